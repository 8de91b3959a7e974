/**
 * What an .xlsx (a zip) says it unpacks to, read from its central directory before anything is
 * inflated: a zip bomb or a sheet of hundreds of thousands of rows is refused with a clear message
 * instead of filling the memory. Entries that hide their size (ZIP64) are refused too.
 */
export interface ZipSummary {
  entries: number;
  unpackedBytes: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

export function zipSummary(buf: Buffer): ZipSummary | { error: string } {
  // The end-of-central-directory record sits in the last 22 + 65,535 bytes.
  const from = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--)
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) return { error: "the file is not a complete zip (truncated?)" };
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  let at = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || at === 0xffffffff)
    return { error: "ZIP64 archives are not accepted" };
  if (at + size > eocd) return { error: "the zip's directory is damaged" };
  let unpacked = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL)
      return { error: "the zip's directory is damaged" };
    const entry = buf.readUInt32LE(at + 24);
    if (entry === 0xffffffff) return { error: "ZIP64 archives are not accepted" };
    unpacked += entry;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return { entries: count, unpackedBytes: unpacked };
}
