import { readFileSync } from "node:fs";
import { checkManifest } from "./manifest-check";

// `npm run validate`: Microsoft's manifest XSDs, then office-addin-manifest's reading of the manifest,
// all offline (`office-addin-manifest validate` would send the manifest to a Microsoft service).
const file = process.argv[2] ?? "manifest.xml";
void checkManifest(readFileSync(file, "utf8")).then((report) => {
  if (report.errors.length === 0) {
    console.log(
      `${file}: valid (add-in manifest XSD v1.1; read by office-addin-manifest: resources, icons, https on one origin)`
    );
    return;
  }
  for (const e of report.errors) console.error(`${file}: ${e}`);
  process.exitCode = 1;
});
