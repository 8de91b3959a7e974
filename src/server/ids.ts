import { randomFillSync } from "node:crypto";

let lastMs = 0;
let sequence = 0;
const bytes = Buffer.alloc(16);
// Drawn from the system's generator 4 kB at a time: one call per id cost more than the rest of
// making it (as randomUUID, which keeps a cache of its own for the same reason).
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A UUID of version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, then a
 * 12-bit sequence that counts up within a millisecond (so ids of one process sort in the order
 * they were made), then 62 random bits. The ids of submissions and audit lines are their tables'
 * primary keys: a random UUID lands each insert on a random page of the key's index, so a group
 * of submissions dirtied a page per row of each table to write and flush at its commit, where
 * ids that grow land on the last page. The time they reveal is the receipt's receivedAt anyway.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(bytes, 6, used, used + 10);
  used += 10;
  // A clock set back does not make ids go back: they stay on the latest millisecond seen.
  if (now > lastMs) {
    lastMs = now;
    sequence = bytes[6]! & 0x07; // starts low and random, leaving room to count
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = 0;
  }
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (sequence >>> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
