import { a1 } from "../../src/core/layout/address";
import {
  BINDING_NAME,
  BINDING_NAMESPACE,
  parseBindingKey,
} from "../../src/core/sheet/binding-name";
import type { LiveSheet } from "../../src/excel/live";
import { bgr } from "../../src/wps/constants";
import { openOn, type Driven } from "./drive";
import { settingsWith, type WpsEmulatorSettings } from "./settings";

/**
 * What WPS 表格 work costs, counted exactly in calls (each one a synchronous round trip to WPS),
 * and how the adapter meets what the emulator assumes about a real WPS (settings.ts).
 */

const at = (l: LiveSheet, row: string, col: string): string =>
  a1(l.plan.rowIndex[row]!, l.plan.colIndex[col]!);
const rules = (l: LiveSheet): string[] =>
  l.model.issues("fill").map((i) => `${i.rule}@${i.row}.${i.col}`);

const units = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `U${i + 1}`, name: `单位${i + 1}` }));

async function insertStat1(d: Driven, n: number) {
  return d.measure(() =>
    d.session.insert({
      templateId: "stat-1",
      period: "2021-07",
      unit: { code: "CTY", name: "示例县" },
      tier: null,
      listRows: units(n),
    })
  );
}

async function stat3(settings?: WpsEmulatorSettings): Promise<{ d: Driven; live: LiveSheet }> {
  const d = await openOn("wps", { settings });
  const live = await d.session.insert({
    templateId: "stat-3",
    period: "2021-07",
    unit: { code: "H", name: "示例县人民医院" },
    tier: "public.g2",
  });
  return { d, live };
}

const value2Reads = (d: Driven): number => d.wps!.byMember.get("Range.Value2") ?? 0;

describe("the call budget", () => {
  it("inserting a table costs the same calls for 10 or 100 unit rows (formats by rectangles, one 2-D write)", async () => {
    const ten = await insertStat1(await openOn("wps"), 10);
    const hundred = await insertStat1(await openOn("wps"), 100);
    expect(hundred.trips).toBe(ten.trips);
    expect(ten.trips).toBe(544);
    // The cells of the table are written by one Formula assignment.
    const d = await openOn("wps");
    await insertStat1(d, 100);
    expect(d.wps!.byMember.get("Range.Formula=")).toBe(1);
    expect(d.wps!.byMember.get("Range.Value2=") ?? 0).toBe(0);
  });

  it("typing one value costs 3 calls (the sheet's name, the target's address, its value) and no write", async () => {
    const { d, live } = await stat3();
    for (const [col, v] of [
      ["c1", 4],
      ["c10", 1.5],
      ["c2", 9],
    ] as const) {
      const m = await d.measure(() => d.user.typeInto(live.name, at(live, "public.g2", col), v));
      expect([m.trips, m.writes]).toEqual([3, 0]);
    }
    expect(live.model.document().rows[0]!.cells).toEqual({ c1: 4, c10: 1.5, c2: 9 });
  });

  it("a pasted block costs 4 calls whatever its size: one Value2 read of the block", async () => {
    const d = await openOn("wps");
    const live = (await insertStat1(d, 100)).result;
    const block = Array.from({ length: 100 }, () => Array.from({ length: 11 }, () => 1));
    const m = await d.measure(() => d.user.paste(live.name, at(live, "U1", "c1"), block));
    expect([m.trips, m.writes]).toEqual([4, 0]);
    expect(live.model.document().rows).toHaveLength(100);
  });

  it("校验 reads the table in one Value2 read; a second 校验 with nothing changed writes nothing", async () => {
    const { d, live } = await stat3();
    const before = value2Reads(d);
    const first = await d.measure(() => d.session.validateAll(live.sheetId));
    expect(value2Reads(d) - before).toBe(1);
    expect(first.writes).toBeGreaterThan(0);
    const again = await d.measure(() => d.session.validateAll(live.sheetId));
    expect([again.trips, again.writes]).toEqual([2, 0]);
  });

  it("opening the pane on a file with two bound sheets costs a fixed number of calls", async () => {
    const d = await openOn("wps");
    await insertStat1(d, 30);
    await d.session.insert({
      templateId: "stat-3",
      period: "2021-07",
      unit: { code: "H", name: "x" },
      tier: "public.g2",
    });
    const m = await d.measure(() => d.reopen());
    expect(m.result.sheets()).toHaveLength(2);
    // 3 to count the sheets, 8 for the two XML parts, 5 per bound sheet and 4 for Sheet1 to look
    // for the name, 3 per bound sheet to read it (one Value2, one Formula), 4 to listen.
    expect(m.trips).toBe(37);
  });
});

describe("what the emulator assumes, and the adapter under other answers", () => {
  it("our own writes are never taken for the user's, whether EnableEvents silences listeners or not", async () => {
    const counts: number[] = [];
    for (const silenced of [true, false]) {
      const { d, live } = await stat3(settingsWith({ enableEventsSilencesListeners: silenced }));
      await d.user.typeInto(live.name, at(live, "public.g2", "c1"), 2);
      const reads = value2Reads(d);
      const m = await d.measure(() => d.session.fillBlanksWithZero(live.sheetId));
      // No listener read the cells written: the "we are writing" flag held them off.
      expect(value2Reads(d)).toBe(reads);
      expect(Object.values(live.model.document().rows[0]!.cells)).toEqual([
        2,
        ...Array(12).fill(0),
      ]);
      counts.push(m.trips);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("a WPS that raises SheetChange after the writing call (not inside it) is silenced by EnableEvents", async () => {
    const { d, live } = await stat3(settingsWith({ sheetChange: { synchronous: false } }));
    const reads = value2Reads(d);
    await d.measure(() => d.session.fillBlanksWithZero(live.sheetId));
    expect(value2Reads(d)).toBe(reads);
    await d.user.typeInto(live.name, at(live, "public.g2", "c10"), 1.5);
    expect(rules(live)).toContain("stat-3.c10-needs-c8@public.g2.c10");
  });

  it("relative references anchor at the active cell or at the range's top-left: the same cells are painted", async () => {
    const painted: string[][] = [];
    for (const anchor of ["activeCell", "topLeft"] as const) {
      const { d, live } = await stat3(settingsWith({ relativeReferenceAnchor: anchor }));
      await d.user.typeInto(live.name, at(live, "public.g2", "c10"), 1.5);
      await d.user.typeInto(live.name, at(live, "public.g3", "c2"), 5);
      painted.push(d.paintedCells(live.name).map((p) => a1(p.r, p.c)));
      // Custom validation anchored the same way: a whole number still refuses a fraction.
      expect((await d.user.typeInto(live.name, at(live, "public.g2", "c1"), 1.5)).accepted).toBe(
        false
      );
    }
    expect(painted[0]).toEqual(painted[1]);
    expect(painted[0]!.length).toBeGreaterThan(0);
  });

  it("a fill-down's Target as the whole selection or the filled rows only: the model follows", async () => {
    for (const fillTarget of ["selection", "filled"] as const) {
      const { d, live } = await stat3(settingsWith({ sheetChange: { fillTarget } }));
      await d.user.typeInto(live.name, at(live, "public.g2", "c2"), 5);
      const c2 = at(live, "public.g2", "c2");
      await d.user.typeInto(live.name, at(live, "public.g3", "c2"), 4);
      await d.user.fillDown(live.name, `${at(live, "public.g3", "c2")}:${c2}`);
      const g2 = live.model.document().rows.find((r) => r.key === "public.g2")!;
      expect(g2.cells.c2).toBe(4);
    }
  });

  it("a WPS that raises no SheetChange for a drop-down pick: the pane reads the list when the user moves on", async () => {
    const d = await openOn("wps", { settings: settingsWith({ sheetChange: { listPick: false } }) });
    const live = await d.session.insert({
      templateId: "ledger",
      period: "2021-07",
      unit: { code: "H", name: "x" },
      tier: null,
    });
    await d.user.pickFromList(live.name, at(live, "1", "status"), "整改中");
    expect(live.model.document().rows.find((r) => r.key === "1")?.cells.status).toBeUndefined();
    await d.user.select(live.name, at(live, "1", "problem"));
    expect(live.model.document().rows.find((r) => r.key === "1")?.cells.status).toBe("整改中");
  });
});

describe("what the adapter gives WPS", () => {
  it("colours as BGR integers, widths in characters, margins through CentimetersToPoints, A4 landscape one page wide", async () => {
    expect(bgr("FFC7CE")).toBe(0xcec7ff);
    const { d, live } = await stat3();
    const sheet = d.workbook.sheet(live.name)!;
    live.plan.columnWidths.forEach((w, c) => expect(sheet.columnWidths.get(c)).toBe(w));
    const page = d.wps!.pageOf(live.name);
    const cm = (x: number): number => (x / 2.54) * 72;
    expect(page).toMatchObject({
      PaperSize: 9,
      Orientation: 2,
      Zoom: false,
      FitToPagesWide: 1,
      FitToPagesTall: false,
      PrintTitleRows: `$${live.plan.print.titleRows[0] + 1}:$${live.plan.print.titleRows[1] + 1}`,
      LeftMargin: cm(live.plan.print.margins.left),
      TopMargin: cm(live.plan.print.margins.top),
      CenterFooter: live.plan.print.pageNumbers,
    });
    // Errors above warnings, errors stopping the rest.
    const cfs = sheet.conditionalFormats;
    const firstWarning = cfs.findIndex((f) => f.fill === "#FFEB9C");
    expect(cfs.slice(0, firstWarning).every((f) => f.fill === "#FFC7CE" && f.stopIfTrue)).toBe(
      true
    );
    expect(cfs.slice(firstWarning).every((f) => f.fill === "#FFEB9C" && !f.stopIfTrue)).toBe(true);
  });

  it("the binding is a hidden sheet-scoped name plus a custom XML part of our namespace", async () => {
    const { d, live } = await stat3();
    const name = d.workbook.sheet(live.name)!.names.get(BINDING_NAME.toLowerCase())!;
    expect(name.visible).toBe(false);
    expect(parseBindingKey(name.refersTo)).toMatchObject({
      id: live.binding.id,
      template: "stat-3",
      period: "2021-07",
      unitCode: "H",
      tier: "public.g2",
      fingerprint: live.plan.fingerprint,
    });
    const parts = d.workbook.customXmlParts.filter((p) => p.xml.includes(BINDING_NAMESPACE));
    expect(parts).toHaveLength(1);
  });
});

it("a WPS that raises SheetChange late, while the user already edits the next cell: the pane reads again when the edit ends", async () => {
  const { d, live } = await stat3(settingsWith({ sheetChange: { synchronous: false } }));
  const c1 = at(live, "public.g2", "c1");
  const paste = d.user.paste(live.name, c1, [[4, 3]]);
  // The user starts typing elsewhere before WPS delivers the paste's event.
  d.wps!.user.beginEdit();
  await new Promise((r) => setTimeout(r, 120));
  expect(live.model.document().rows).toEqual([]);
  await d.wps!.user.commitEdit(live.name, at(live, "public.g2", "c10"), 1.5);
  await paste;
  await new Promise((r) => setTimeout(r, 600));
  expect(live.model.document().rows[0]!.cells).toEqual({ c1: 4, c2: 3, c10: 1.5 });
  expect(live.notice).toBeNull();
  expect(d.wps!.handlerErrors).toEqual([]);
});
