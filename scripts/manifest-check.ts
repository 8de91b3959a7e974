import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { validateXML } from "xmllint-wasm";

/**
 * Checks an add-in manifest offline: Microsoft's manifest XSDs (patched copies in test/manifest-xsd),
 * then what they cannot check: every resid names a resource, resource ids are unique, icon sizes.
 */
export interface ManifestReport {
  xsdValid: boolean;
  errors: string[];
}

const ROOT = join(__dirname, "..");
const XSD_DIR = join(ROOT, "test", "manifest-xsd");
const ALLOWED_IMAGE_SIZES = new Set(["16", "32", "80"]);

export function pngSize(file: string): { width: number; height: number } | null {
  const buf = readFileSync(file);
  if (
    buf.length < 24 ||
    buf.toString("latin1", 1, 4) !== "PNG" ||
    buf.toString("latin1", 12, 16) !== "IHDR"
  )
    return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** The file under assets/ that an icon URL of the add-in serves. */
function assetFor(url: string): string | null {
  const m = /\/addin\/assets\/([^/?#]+)$/.exec(url);
  return m ? join(ROOT, "assets", m[1]!) : null;
}

export async function checkManifest(xml: string): Promise<ManifestReport> {
  const errors: string[] = [];
  const xsds = readdirSync(XSD_DIR).filter((f) => f.endsWith(".xsd"));
  const result = await validateXML({
    xml: [{ fileName: "manifest.xml", contents: xml }],
    schema: [
      {
        fileName: "OfficeAppManifestV1_1.xsd",
        contents: readFileSync(join(XSD_DIR, "OfficeAppManifestV1_1.xsd"), "utf8"),
      },
    ],
    preload: xsds
      .filter((f) => f !== "OfficeAppManifestV1_1.xsd")
      .map((f) => ({ fileName: f, contents: readFileSync(join(XSD_DIR, f), "utf8") })),
  });
  for (const e of result.errors) errors.push(`XSD: ${e.rawMessage.trim()}`);

  const ids = [...xml.matchAll(/<bt:(Image|Url|String)\s+id="([^"]+)"/g)].map((m) => ({
    kind: m[1]!,
    id: m[2]!,
  }));
  const seen = new Set<string>();
  for (const { id } of ids) {
    if (seen.has(id)) errors.push(`resource id "${id}" is defined more than once`);
    seen.add(id);
  }
  for (const m of xml.matchAll(/resid="([^"]+)"/g))
    if (!seen.has(m[1]!)) errors.push(`resid "${m[1]}" names no resource`);

  for (const m of xml.matchAll(/<bt:Image\s+size="([^"]+)"/g))
    if (!ALLOWED_IMAGE_SIZES.has(m[1]!)) errors.push(`icon size ${m[1]} is not 16, 32 or 80`);
  for (const icon of xml.matchAll(/<Icon>([\s\S]*?)<\/Icon>/g)) {
    const sizes = [...icon[1]!.matchAll(/size="(\d+)"/g)].map((m) => m[1]).sort();
    if (sizes.join(",") !== "16,32,80")
      errors.push(`an <Icon> has sizes ${sizes.join(",")}, not 16, 32 and 80`);
  }

  // Each image's file exists and has the pixel size it is used at.
  const imageUrl = new Map(
    [...xml.matchAll(/<bt:Image\s+id="([^"]+)"\s+DefaultValue="([^"]+)"/g)].map((m) => [
      m[1]!,
      m[2]!,
    ])
  );
  const expectSize = (url: string, size: number, what: string): void => {
    const file = assetFor(url);
    if (!file || !existsSync(file))
      return void errors.push(`${what}: ${url} is not a file under assets/`);
    const dim = pngSize(file);
    if (!dim || dim.width !== size || dim.height !== size)
      errors.push(
        `${what}: ${basename(file)} is ${dim ? `${dim.width}x${dim.height}` : "not a PNG"}, not ${size}x${size}`
      );
  };
  for (const m of xml.matchAll(/<bt:Image\s+size="(\d+)"\s+resid="([^"]+)"/g)) {
    const url = imageUrl.get(m[2]!);
    if (url) expectSize(url, Number(m[1]), `image ${m[2]}`);
  }
  const iconUrl = /<IconUrl DefaultValue="([^"]+)"/.exec(xml)?.[1];
  const hiResUrl = /<HighResolutionIconUrl DefaultValue="([^"]+)"/.exec(xml)?.[1];
  if (iconUrl) expectSize(iconUrl, 32, "IconUrl");
  if (hiResUrl) expectSize(hiResUrl, 64, "HighResolutionIconUrl");

  for (const m of xml.matchAll(/(?:DefaultValue|Value)="(https?:[^"]+)"/g))
    if (!m[1]!.startsWith("https://")) errors.push(`URL ${m[1]} is not https`);
  return { xsdValid: result.valid, errors };
}
