import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";

/** The widest column that stores an address (`remote_addr`, varchar(64)). */
export const MAX_ADDRESS_LENGTH = 64;

/** Named ranges proxy-addr (Fastify's trustProxy) understands besides addresses and CIDRs. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

const isAddress = (s: string | undefined): s is string =>
  !!s && s.length <= MAX_ADDRESS_LENGTH && isIP(s) !== 0;

/**
 * TIANBAO_TRUST_PROXY: the proxies whose X-Forwarded-For is believed, comma-separated addresses
 * or CIDRs (`10.0.0.2, 192.168.1.0/24, ::1`) or `loopback`/`linklocal`/`uniquelocal`. Unset or
 * empty: none, and the client address is the socket's. A bad entry stops the start, naming it.
 */
export function parseTrustedProxies(text: string | undefined): string | undefined {
  const entries = (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    const [addr, bits, extra] = e.split("/");
    const maxBits = isIP(addr ?? "") === 6 ? 128 : 32;
    const ok =
      NAMED_RANGES.has(e) ||
      (isIP(addr ?? "") !== 0 &&
        extra === undefined &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits)));
    if (!ok)
      throw new Error(
        `TIANBAO_TRUST_PROXY: "${e}" is not an address or CIDR (comma-separated, e.g. 10.0.0.2, 192.168.0.0/16)`
      );
  }
  return entries.length ? entries.join(",") : undefined;
}

/**
 * The address stored and rate-limited: Fastify's (the socket's, or what a trusted proxy
 * forwarded), used only when it is an IP address that fits its column; else the socket's.
 */
export function clientAddress(req: FastifyRequest): string {
  if (isAddress(req.ip)) return req.ip;
  const socket = req.socket?.remoteAddress;
  return isAddress(socket) ? socket : "unknown";
}
