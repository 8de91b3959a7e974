import { inflateRawSync } from "node:zlib";

/**
 * Unpacks an .xlsx (a zip) with a running byte count, before any spreadsheet parser sees it. The
 * zip's directory is not trusted: each entry is inflated with a hard cap of the size it claims
 * (and of what is left of the caps per entry and per file), so an entry that says 4,000 bytes and
 * inflates to 1.5 GB stops after 4,000 bytes and the file is refused. Memory stays bounded by
 * the caps however the zip describes its entries.
 */
export interface UnzipLimits {
  /** Largest single entry, inflated. */
  entryBytes: number;
  /** All entries together, inflated. */
  totalBytes: number;
  /** An .xlsx holds a few dozen parts; thousands of entries only cost time. */
  entries: number;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export type Unzipped = { ok: true; entries: ZipEntry[] } | { ok: false; error: string };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DAMAGED = "文件不完整或已损坏（压缩包目录无法读取），请重新保存为 .xlsx 后再上传";
const MB = 2 ** 20;

const mb = (n: number): string => `${Math.max(1, Math.round(n / MB))} MB`;

function findEnd(buf: Buffer): number {
  // The end-of-central-directory record sits in the last 22 + 65,535 bytes.
  const from = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= from; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

export function unzipBounded(buf: Buffer, limits: UnzipLimits): Unzipped {
  const eocd = findEnd(buf);
  if (eocd < 0) return { ok: false, error: DAMAGED };
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  let at = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || at === 0xffffffff)
    return { ok: false, error: "不接受 ZIP64 格式的压缩包，请用 Excel 或 WPS 另存为 .xlsx" };
  if (at + size > eocd) return { ok: false, error: DAMAGED };
  if (count > limits.entries)
    return { ok: false, error: `文件内含 ${count} 个部件，统计表不会超过 ${limits.entries} 个` };
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL)
      return { ok: false, error: DAMAGED };
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const packed = buf.readUInt32LE(at + 20);
    const claimed = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    if (at + 46 + nameLength > buf.length) return { ok: false, error: DAMAGED };
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    if (claimed === 0xffffffff || packed === 0xffffffff || local === 0xffffffff)
      return { ok: false, error: "不接受 ZIP64 格式的压缩包，请用 Excel 或 WPS 另存为 .xlsx" };
    if (flags & 1) return { ok: false, error: "文件已加密，请取消密码后再上传" };
    if (names.has(name)) return { ok: false, error: `压缩包中“${name}”出现了两次，文件不可信` };
    names.add(name);
    if (name.endsWith("/")) continue;
    if (claimed > limits.entryBytes || total + claimed > limits.totalBytes)
      return {
        ok: false,
        error: `文件解压后超过 ${mb(Math.min(limits.entryBytes, limits.totalBytes))}，一张统计表用不了这么大`,
      };
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL)
      return { ok: false, error: DAMAGED };
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + packed > buf.length) return { ok: false, error: DAMAGED };
    const raw = buf.subarray(start, start + packed);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        // The cap is the size the directory claims (one byte for an empty entry, which then
        // shows as a length mismatch): a lying entry stops right there.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, claimed) });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
          return { ok: false, error: lying(name, claimed) };
        return { ok: false, error: DAMAGED };
      }
    } else return { ok: false, error: `压缩包使用了不支持的压缩方式（${method}），请另存为 .xlsx` };
    if (data.length !== claimed) return { ok: false, error: lying(name, claimed) };
    total += data.length;
    entries.push({ name, data });
  }
  return { ok: true, entries };
}

const lying = (name: string, claimed: number): string =>
  `文件不可信：压缩包中“${name}”声明解压后为 ${claimed} 字节，实际更大（疑似压缩炸弹），已拒收`;

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

/** The inflated entries as a zip that stores them as they are. */
export function storedZip(entries: readonly ZipEntry[]): Buffer {
  return writeZip(
    entries.map((e) => ({
      name: e.name,
      stored: e.data,
      method: 0,
      crc: crc32(e.data),
      size: e.data.length,
    }))
  );
}
