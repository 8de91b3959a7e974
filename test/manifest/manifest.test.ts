import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkManifest } from "../../scripts/manifest-check";

const manifest = readFileSync(join(__dirname, "..", "..", "manifest.xml"), "utf8");

describe("manifest.xml (checked offline against the add-in manifest XSDs)", () => {
  it("is valid: schema, resources and icons", async () => {
    expect(await checkManifest(manifest)).toEqual({ xsdValid: true, errors: [] });
  });

  it("asks for ExcelApi 1.8, zh-CN by default with en-US overrides, a Home tab button", () => {
    expect(manifest).toMatch(/<Set Name="ExcelApi" MinVersion="1.8"\/>/);
    expect(manifest).toMatch(/<DefaultLocale>zh-CN<\/DefaultLocale>/);
    expect(manifest).toMatch(/<Override Locale="en-US" Value="Tianbao"\/>/);
    expect(manifest).toMatch(/<OfficeTab id="TabHome">/);
    expect(manifest).toMatch(/<Action xsi:type="ShowTaskpane">/);
  });

  it("the ribbon's pane is the one Office opens with a workbook marked by the pane (TaskpaneId Office.AutoShowTaskpaneWithDocument)", () => {
    const actions = [...manifest.matchAll(/<Action xsi:type="ShowTaskpane">([\s\S]*?)<\/Action>/g)];
    expect(actions.length).toBeGreaterThan(0);
    // Office uses the first ShowTaskpane action with that id; ours is the only one.
    expect(actions[0]![1]).toContain(
      "<TaskpaneId>Office.AutoShowTaskpaneWithDocument</TaskpaneId>"
    );
    expect(actions[0]![1]).toContain('<SourceLocation resid="Taskpane.Url"/>');
  });

  // The checker itself must catch what it claims to; each mutation below is a real mistake.
  it.each([
    ["a non-GUID Id", (x: string) => x.replace(/<Id>[^<]+<\/Id>/, "<Id>tianbao</Id>"), /XSD/],
    [
      "elements out of order",
      (x: string) =>
        x
          .replace("<ProviderName>Tianbao</ProviderName>", "")
          .replace("</DisplayName>", "</DisplayName>\n  <ProviderName>Tianbao</ProviderName>"),
      /XSD/,
    ],
    [
      "a resid that names nothing",
      (x: string) => x.replace('resid="Group.Label"', 'resid="Group.Missing"'),
      /resid "Group.Missing" names no resource/,
    ],
    [
      "a duplicate resource id",
      (x: string) => x.replace('<bt:Url id="Taskpane.Url"', '<bt:Url id="GetStarted.LearnMoreUrl"'),
      /defined more than once/,
    ],
    [
      "an icon of the wrong pixel size",
      (x: string) => x.replace('assets/icon-80.png"', 'assets/icon-64.png"'),
      /icon-64.png is 64x64, not 80x80/,
    ],
    [
      "an icon set without 80",
      (x: string) => x.replace('<bt:Image size="80" resid="Icon.80x80"/>', ""),
      /not 16, 32 and 80/,
    ],
    [
      "an http URL",
      (x: string) =>
        x.replace(
          'https://localhost:3000/addin/help.html"/>\n  <AppDomains>',
          'http://localhost:3000/addin/help.html"/>\n  <AppDomains>'
        ),
      /is not https/,
    ],
    [
      "an icon served from another origin than the task pane",
      (x: string) =>
        x.replace(
          '<IconUrl DefaultValue="https://localhost:3000/',
          '<IconUrl DefaultValue="https://cdn.example.com/'
        ),
      /IconUrl https:\/\/cdn\.example\.com\/addin\/assets\/icon-32\.png is not on the task pane's origin https:\/\/localhost:3000/,
    ],
    [
      "a command button's URL on another origin than the task pane",
      (x: string) =>
        x.replace(
          '<bt:Url id="Taskpane.Url" DefaultValue="https://localhost:3000/',
          '<bt:Url id="Taskpane.Url" DefaultValue="https://other.example/'
        ),
      /resource Taskpane.Url https:\/\/other\.example\/.* is not on the task pane's origin/,
    ],
  ])("rejects %s", async (_what, mutate, re) => {
    const mutated = mutate(manifest);
    expect(mutated).not.toBe(manifest);
    const report = await checkManifest(mutated);
    expect(report.errors.join("\n")).toMatch(re);
  });
});
