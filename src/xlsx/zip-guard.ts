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
const LOCAL = 0x04034b50;

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

/** CRC-32 (the zip polynomial), table-driven; Node 20.9 has no zlib.crc32. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipPart {
  name: string;
  /** The bytes as stored: the content itself (method 0) or its raw deflate stream (method 8). */
  stored: Buffer;
  method: 0 | 8;
  crc: number;
  /** The inflated size the directory states. */
  size: number;
}

/**
 * A zip of the given parts. The reader hands the spreadsheet parser a zip rebuilt from the
 * entries it has inflated and counted, so the parser cannot read anything the guard did not.
 */
export function writeZip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    const head = Buffer.alloc(30);
    head.writeUInt32LE(LOCAL, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6); // names are UTF-8
    head.writeUInt16LE(p.method, 8);
    head.writeUInt32LE(p.crc, 14);
    head.writeUInt32LE(p.stored.length, 18);
    head.writeUInt32LE(p.size, 22);
    head.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    head.copy(central, 8, 6, 26); // flags, method, time, date, crc, sizes
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, name, p.stored);
    centrals.push(central, name);
    offset += head.length + name.length + p.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
