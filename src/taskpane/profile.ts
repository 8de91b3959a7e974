import * as z from "zod/mini";
import "../core/schema/messages";
import { tierSchema } from "../core/schema/template";

/**
 * Who is filling: until the server's profile is connected, typed once and kept in the browser's
 * storage of the add-in (never in the workbook, which is e-mailed around).
 */
export const profileSchema = z.object({
  code: z._default(z.string().check(z.maxLength(64)), ""),
  name: z._default(z.string().check(z.maxLength(200)), ""),
  tier: z._default(z.nullable(tierSchema), null),
  /** stat-1: the units listed, "CODE name" per line. */
  units: z._default(z.string().check(z.maxLength(20_000)), ""),
});
export type Profile = z.infer<typeof profileSchema>;

const KEY = "tianbao.profile";

export function loadProfile(): Profile {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed = profileSchema.safeParse(raw ? JSON.parse(raw) : {});
    if (parsed.success) return parsed.data;
  } catch {
    // Storage may be off (private mode); the pane then starts empty.
  }
  return profileSchema.parse({});
}

export function saveProfile(p: Profile): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(p));
  } catch {
    // Not saved: the user types it again next time.
  }
}

/** "DEMO-H01 示例县中医医院" lines to list rows; blank lines and duplicates dropped. */
export function parseUnitLines(text: string): { key: string; name: string }[] {
  const out: { key: string; name: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(line);
    if (m && !out.some((u) => u.key === m[1])) out.push({ key: m[1]!, name: m[2]! });
  }
  return out;
}
