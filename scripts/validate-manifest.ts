import { readFileSync } from "node:fs";
import { checkManifest } from "./manifest-check";

// `npm run validate`: the offline replacement for `office-addin-manifest validate` (which needs the internet).
const file = process.argv[2] ?? "manifest.xml";
void checkManifest(readFileSync(file, "utf8")).then((report) => {
  if (report.errors.length === 0) {
    console.log(`${file}: valid (add-in manifest XSD v1.1, resources, icons)`);
    return;
  }
  for (const e of report.errors) console.error(`${file}: ${e}`);
  process.exitCode = 1;
});
