import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  getXmlAttributeValue,
  getXmlElement,
  getXmlElements,
  OfficeAddinManifest,
  type ManifestInfo,
  type Xml,
} from "office-addin-manifest";
// The package's own XML reader (xml2js underneath); readManifestFile parses with it too but keeps
// only the top-level fields, and the resources live under VersionOverrides.
import { ManifestHandlerXml } from "office-addin-manifest/lib/manifestHandler/manifestHandlerXml";
import { validateXML } from "xmllint-wasm";
import { withManifestFile } from "../src/cli/manifest";

/**
 * Checks an add-in manifest offline. Microsoft's manifest XSDs (patched copies in test/manifest-xsd)
 * check the structure; office-addin-manifest reads the manifest as Office does, and on what it
 * reads we check what the XSDs cannot: every resid names a resource, resource ids are unique,
 * icons exist at the sizes they are used at, every URL is https and on the task pane's origin.
 * `office-addin-manifest validate` is not used: it sends the manifest to a Microsoft service.
 */
export interface ManifestReport {
  xsdValid: boolean;
  errors: string[];
}

const ROOT = join(__dirname, "..");
const XSD_DIR = join(ROOT, "test", "manifest-xsd");
const ICON_SIZES = ["16", "32", "80"];

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

async function xsdErrors(xml: string): Promise<{ valid: boolean; errors: string[] }> {
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
  return { valid: result.valid, errors: result.errors.map((e) => `XSD: ${e.rawMessage.trim()}`) };
}

/** Every element named `name` anywhere under `xml` (xml2js keeps children as arrays by name). */
function elementsNamed(xml: Xml, name: string): Xml[] {
  if (typeof xml !== "object" || xml === null) return [];
  const out: Xml[] = [];
  for (const [key, value] of Object.entries(xml as Record<string, unknown>)) {
    if (key === "$" || !Array.isArray(value)) continue;
    for (const child of value) {
      if (key === name) out.push(child);
      out.push(...elementsNamed(child, name));
    }
  }
  return out;
}

/** Every attribute value anywhere under `xml`, with the attribute's name. */
function attributes(xml: Xml): { name: string; value: string }[] {
  if (typeof xml !== "object" || xml === null) return [];
  const own = Object.entries((xml as { $?: Record<string, string> }).$ ?? {}).map(
    ([name, value]) => ({ name, value })
  );
  const children = Object.entries(xml as Record<string, unknown>)
    .filter(([key, value]) => key !== "$" && Array.isArray(value))
    .flatMap(([, value]) => (value as Xml[]).flatMap(attributes));
  return [...own, ...children];
}

interface Resource {
  id: string;
  kind: "Image" | "Url" | "String";
  value: string;
}

function resourcesOf(officeApp: Xml): Resource[] {
  const res = getXmlElement(getXmlElement(officeApp, "VersionOverrides"), "Resources");
  const list = (group: string, item: string, kind: Resource["kind"]): Resource[] =>
    getXmlElements(getXmlElement(res, group), item).map((e) => ({
      id: getXmlAttributeValue(e, "id") ?? "",
      kind,
      value: getXmlAttributeValue(e, "DefaultValue") ?? "",
    }));
  return [
    ...list("bt:Images", "bt:Image", "Image"),
    ...list("bt:Urls", "bt:Url", "Url"),
    ...list("bt:ShortStrings", "bt:String", "String"),
    ...list("bt:LongStrings", "bt:String", "String"),
  ];
}

function resourceErrors(officeApp: Xml, resources: Resource[]): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  for (const { id } of resources) {
    if (ids.has(id)) errors.push(`resource id "${id}" is defined more than once`);
    ids.add(id);
  }
  for (const { name, value } of attributes(getXmlElement(officeApp, "VersionOverrides")))
    if (name === "resid" && !ids.has(value)) errors.push(`resid "${value}" names no resource`);
  return errors;
}

function iconErrors(officeApp: Xml, info: ManifestInfo, resources: Resource[]): string[] {
  const errors: string[] = [];
  const imageUrl = new Map(resources.filter((r) => r.kind === "Image").map((r) => [r.id, r.value]));
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
  for (const icon of elementsNamed(officeApp, "Icon")) {
    const images = getXmlElements(icon, "bt:Image");
    const sizes = images.map((i) => getXmlAttributeValue(i, "size") ?? "?");
    for (const s of sizes)
      if (!ICON_SIZES.includes(s)) errors.push(`icon size ${s} is not 16, 32 or 80`);
    if ([...sizes].sort().join(",") !== ICON_SIZES.join(","))
      errors.push(`an <Icon> has sizes ${[...sizes].sort().join(",")}, not 16, 32 and 80`);
    for (const image of images) {
      const id = getXmlAttributeValue(image, "resid") ?? "";
      const url = imageUrl.get(id);
      if (url) expectSize(url, Number(getXmlAttributeValue(image, "size")), `image ${id}`);
    }
  }
  if (info.iconUrl) expectSize(info.iconUrl, 32, "IconUrl");
  if (info.highResolutionIconUrl)
    expectSize(info.highResolutionIconUrl, 64, "HighResolutionIconUrl");
  return errors;
}

/** One add-in, one origin: a manifest half pointing at another host loads a broken pane. */
function urlErrors(officeApp: Xml, info: ManifestInfo, resources: Resource[]): string[] {
  const errors: string[] = [];
  // Namespace declarations (xmlns) are names, not URLs anyone loads.
  for (const { name, value } of attributes(officeApp))
    if ((name === "DefaultValue" || name === "Value") && /^http:/.test(value))
      errors.push(`URL ${value} is not https`);
  const pane = info.defaultSettings?.sourceLocation;
  if (!pane) return [...errors, "no SourceLocation: Office has no task pane to load"];
  const origin = new URL(pane).origin;
  const onOrigin = (url: string): boolean =>
    !/^https?:/.test(url) || new URL(url).origin === origin;
  const named: [string, string | undefined][] = [
    ["IconUrl", info.iconUrl],
    ["HighResolutionIconUrl", info.highResolutionIconUrl],
    ["SupportUrl", info.supportUrl],
    ...resources
      .filter((r) => r.kind !== "String")
      .map((r): [string, string] => [`resource ${r.id}`, r.value]),
  ];
  for (const [what, url] of named)
    if (url && !onOrigin(url))
      errors.push(`${what} ${url} is not on the task pane's origin ${origin}`);
  return errors;
}

/** Reads a manifest with office-addin-manifest: the fields Office reads, and the whole XML tree. */
export function readManifest(xml: string): Promise<{ info: ManifestInfo; officeApp: Xml }> {
  return withManifestFile(xml, async (file) => {
    const info = await OfficeAddinManifest.readManifestFile(file);
    const tree = (await new ManifestHandlerXml(file).parseXmlAsync()) as { OfficeApp?: Xml };
    return { info, officeApp: tree.OfficeApp };
  });
}

export async function checkManifest(xml: string): Promise<ManifestReport> {
  const xsd = await xsdErrors(xml);
  let read: { info: ManifestInfo; officeApp: Xml };
  try {
    read = await readManifest(xml);
  } catch (e) {
    return { xsdValid: xsd.valid, errors: [...xsd.errors, `unreadable: ${(e as Error).message}`] };
  }
  const { info, officeApp } = read;
  if (!officeApp) return { xsdValid: xsd.valid, errors: [...xsd.errors, "no <OfficeApp> root"] };
  const resources = resourcesOf(officeApp);
  return {
    xsdValid: xsd.valid,
    errors: [
      ...xsd.errors,
      ...resourceErrors(officeApp, resources),
      ...iconErrors(officeApp, info, resources),
      ...urlErrors(officeApp, info, resources),
    ],
  };
}
