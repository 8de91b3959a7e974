// Draws the add-in icon (a green sheet with a table grid and a tick) as PNGs at the sizes the
// manifest needs. Run once; the PNGs are committed. No image library: a PNG is zlib + CRC.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function icon(size) {
  const px = (x, y) => {
    const u = (x + 0.5) / size;
    const v = (y + 0.5) / size;
    const r = 0.14; // rounded corners
    const dx = Math.max(r - u, 0, u - (1 - r));
    const dy = Math.max(r - v, 0, v - (1 - r));
    if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
    // Tick in the lower right.
    const onTick = (a, b, c, d, w) => {
      const t = Math.max(
        0,
        Math.min(1, ((u - a) * (c - a) + (v - b) * (d - b)) / ((c - a) ** 2 + (d - b) ** 2))
      );
      return Math.hypot(u - (a + t * (c - a)), v - (b + t * (d - b))) < w;
    };
    const w = Math.max(0.045, 1.2 / size);
    if (onTick(0.52, 0.7, 0.63, 0.81, w) || onTick(0.63, 0.81, 0.86, 0.52, w))
      return [255, 214, 0, 255];
    // Table grid: white lines on the green sheet.
    const inGrid = u > 0.16 && u < 0.84 && v > 0.2 && v < 0.8;
    const line = Math.max(1 / size, 0.035);
    const near = (p, qs) => qs.some((q) => Math.abs(p - q) < line);
    if (inGrid && (near(v, [0.2, 0.4, 0.6, 0.8]) || near(u, [0.16, 0.39, 0.61, 0.84])))
      return [255, 255, 255, 255];
    if (inGrid && v < 0.4) return [46, 125, 50, 255];
    return [33, 115, 70, 255];
  };
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) Buffer.from(px(x, y)).copy(raw, y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

for (const size of [16, 32, 64, 80, 128])
  writeFileSync(new URL(`../assets/icon-${size}.png`, import.meta.url), icon(size));
