import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import JSZip from "jszip";
import { WPS_ADDIN_FOLDER, WPS_ADDIN_NAME } from "../../server/wps-routes";
import { parseServer, SERVER_META } from "../../wps/shell/urls";
import { CliExit, type CliIO } from "../io";

const ROOT = join(__dirname, "..", "..", "..");

const xmlAttr = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const packageVersion = (): string =>
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The add-in's folder name under jsaddons/, as WPS's own packager names it. */
export const offlineFolder = (version: string): string => `${WPS_ADDIN_NAME}_${version}`;

/** The entry that names the unpacked folder in the user's jsaddons/publish.xml. */
export function publishEntry(version: string): string {
  const v = xmlAttr(version);
  return `<jsplugin name="${WPS_ADDIN_NAME}" type="et" url="${xmlAttr(offlineFolder(version))}" version="${v}" enable="enable_dev" install="null"/>`;
}

const README = (version: string, server: string): string =>
  [
    `填报 WPS 表格加载项 ${version}（离线安装包）`,
    "",
    `服务器：${server}`,
    "",
    "1. 完全退出 WPS。",
    `2. 把文件夹 ${offlineFolder(version)} 复制到：`,
    "   Windows：%APPDATA%\\kingsoft\\wps\\jsaddons\\",
    "   麒麟、统信 UOS：~/.local/share/Kingsoft/wps/jsaddons/",
    "3. 在同一目录的 publish.xml 的 <jsplugins> 里加入本包 publish.xml 中的那一行",
    "   （没有 publish.xml 时，直接把本包的 publish.xml 复制过去）。",
    "4. 打开 WPS 表格，首次加载时选择信任本加载项，然后按提示重启 WPS。",
    "",
    "填报窗格始终从上面的服务器打开；服务器地址变了，请向信息科索取新的安装包。",
    "",
  ].join("\r\n");

/** The add-in's index.html naming the server: a page loaded from a local file has no origin to go by. */
export function withServer(indexHtml: string, server: string): string {
  const meta = `<meta name="${SERVER_META}" content="${xmlAttr(server)}" />`;
  // The build minifies the page: its <head> is the one landmark both forms keep.
  if (!/<head(\s[^>]*)?>/i.test(indexHtml))
    throw new CliExit(1, "the built wps/index.html has no <head> to name the server in");
  return indexHtml.replace(/<head(\s[^>]*)?>/i, (m) => `${m}${meta}`);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out;
}

/**
 * The offline package: a zip holding the add-in's folder (named for jsaddons/), its publish.xml
 * entry and the steps, for desktops that cannot reach the server when WPS starts. The pane
 * itself still comes from the server named here.
 */
export async function wpsPackage(
  addinDir: string,
  serverText: string,
  version: string
): Promise<Buffer> {
  const server = parseServer(serverText);
  if (!server)
    throw new CliExit(
      2,
      `--server must be the server's http(s) address, such as https://tianbao.example.gov.cn/, not "${serverText}"`
    );
  const wpsDir = join(addinDir, WPS_ADDIN_FOLDER);
  if (!existsSync(join(wpsDir, "ribbon.xml")) || !existsSync(join(wpsDir, "main.js")))
    throw new CliExit(1, `no built WPS add-in in ${wpsDir}: run npm run build first`);
  const zip = new JSZip();
  const root = `${WPS_ADDIN_NAME}-wps-${version}`;
  const folder = `${root}/${offlineFolder(version)}`;
  for (const file of filesUnder(wpsDir)) {
    const bytes = readFileSync(join(wpsDir, file));
    zip.file(
      `${folder}/${file}`,
      file === "index.html" ? withServer(bytes.toString("utf8"), server.href) : bytes
    );
  }
  zip.file(
    `${root}/publish.xml`,
    `<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n  ${publishEntry(version)}\n</jsplugins>\n`
  );
  zip.file(`${root}/说明.txt`, README(version, server.href));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "DOS" });
}

export function registerWps(program: Command, io: CliIO): void {
  program
    .command("wps-package")
    .description(
      "the WPS 表格 add-in as an offline package (zip) for desktops that cannot reach the server when WPS starts"
    )
    .requiredOption(
      "--server <url>",
      "the county server the pane is opened from, e.g. https://tianbao.example.gov.cn/"
    )
    .option("--addin-dir <dir>", "the add-in's build", join(ROOT, "dist", "addin"))
    .option("--out <file>", "the zip to write (default: tianbao-wps-VERSION.zip)")
    .action(async (flags: { server: string; addinDir: string; out?: string }) => {
      const version = packageVersion();
      const zip = await wpsPackage(resolve(flags.addinDir), flags.server, version);
      const out = resolve(flags.out ?? `${WPS_ADDIN_NAME}-wps-${version}.zip`);
      writeFileSync(out, zip);
      io.out(`${out}\n`);
    });
}
