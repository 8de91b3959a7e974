import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OfficeAddinManifest } from "office-addin-manifest";
import { checkManifest, readManifest } from "../../scripts/manifest-check";
import { manifestForHost } from "../../src/cli/manifest";

const ROOT = join(__dirname, "..", "..");

describe("manifest --host and npm run validate, with office-addin-manifest", () => {
  it("points every address Office loads at the host, and the result passes the checks", async () => {
    const xml = await manifestForHost("https://tianbao.example.gov.cn:8443");
    const { info } = await readManifest(xml);
    expect(info.defaultSettings?.sourceLocation).toBe(
      "https://tianbao.example.gov.cn:8443/addin/taskpane.html"
    );
    expect(info.iconUrl).toBe("https://tianbao.example.gov.cn:8443/addin/assets/icon-32.png");
    expect(info.appDomains).toEqual(["https://tianbao.example.gov.cn:8443"]);
    expect(info.id).toBe(
      (await OfficeAddinManifest.readManifestFile(join(ROOT, "manifest.xml"))).id
    );
    expect(await checkManifest(xml)).toEqual({ xsdValid: true, errors: [] });
  });

  it("opens no connection: reading, checking and rewriting are offline", async () => {
    const connect = jest.spyOn(net.Socket.prototype, "connect").mockImplementation(() => {
      throw new Error("the manifest tools must not reach the network");
    });
    try {
      const xml = await manifestForHost("https://tianbao.example.gov.cn");
      expect((await checkManifest(xml)).errors).toEqual([]);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it("npm run validate fails, naming the mistake, on a manifest half pointing at another host", () => {
    const dir = mkdtempSync(join(tmpdir(), "tianbao-validate-"));
    const file = join(dir, "manifest.xml");
    writeFileSync(
      file,
      readFileSync(join(ROOT, "manifest.xml"), "utf8").replace(
        '<SupportUrl DefaultValue="https://localhost:3000/',
        '<SupportUrl DefaultValue="https://elsewhere.example/'
      )
    );
    let out = "";
    try {
      execFileSync(
        process.execPath,
        [
          join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
          "scripts/validate-manifest.ts",
          file,
        ],
        { cwd: ROOT, encoding: "utf8", stdio: "pipe" }
      );
    } catch (e) {
      const err = e as { status: number; stderr: string };
      expect(err.status).toBe(1);
      out = err.stderr;
    }
    expect(out).toContain(
      "SupportUrl https://elsewhere.example/addin/help.html is not on the task pane's origin https://localhost:3000"
    );
  });
});
