import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OfficeAddinManifest, type ManifestInfo } from "office-addin-manifest";
import { CliExit } from "./io";

const ROOT = join(__dirname, "..", "..");

/** office-addin-manifest reads files: runs `read` on a temporary copy of the manifest's text. */
export async function withManifestFile<T>(
  xml: string,
  read: (file: string) => Promise<T>
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tianbao-manifest-"));
  try {
    writeFileSync(join(dir, "manifest.xml"), xml);
    return await read(join(dir, "manifest.xml"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A manifest as office-addin-manifest reads it (offline: it parses the file, nothing more). */
const readManifest = (xml: string): Promise<ManifestInfo> =>
  withManifestFile(xml, (file) => OfficeAddinManifest.readManifestFile(file));

/** Every address Office loads from: the task pane, the icons, the help page, the app domains. */
const addressesOf = (m: ManifestInfo): (string | undefined)[] => [
  m.defaultSettings?.sourceLocation,
  m.iconUrl,
  m.highResolutionIconUrl,
  m.supportUrl,
  ...(m.appDomains ?? []),
];

/**
 * manifest.xml pointing at another host: the origin the manifest's task pane is served from
 * (read with office-addin-manifest) is replaced everywhere by the host's, and the result is read
 * back the same way to prove that every address Office loads from is now on the host.
 */
export async function manifestForHost(host: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new CliExit(
      2,
      `--host must be a URL such as https://tianbao.example.gov.cn, not "${host}"`
    );
  }
  if (url.protocol !== "https:")
    throw new CliExit(2, "--host must be https: Office loads add-ins over HTTPS only");
  if (url.pathname !== "/" || url.search || url.hash)
    throw new CliExit(2, "--host is an origin (scheme, host, port), without a path");
  const source = readFileSync(join(ROOT, "manifest.xml"), "utf8");
  const pane = (await readManifest(source)).defaultSettings?.sourceLocation;
  if (!pane) throw new CliExit(1, "manifest.xml names no task pane (SourceLocation)");
  const xml = source.replaceAll(new URL(pane).origin, url.origin);
  const stray = addressesOf(await readManifest(xml)).filter(
    (a) => !a || new URL(a).origin !== url.origin
  );
  if (stray.length)
    throw new CliExit(1, `manifest.xml still points elsewhere: ${stray.join(", ")}`);
  return xml;
}
