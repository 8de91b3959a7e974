import type { Kysely } from "kysely";
import type { Database } from "./db/schema";
import type { TokenInfo } from "./tokens";
import { atOrAbove } from "./units";

/**
 * Whether a token may read a unit's data: its own unit, or a collector of an ancestor. The admin
 * reads no unit's data (docs/boundary.md).
 */
export async function mayRead(
  db: Kysely<Database>,
  token: TokenInfo,
  unit: string
): Promise<boolean> {
  if (token.role === "admin") return false;
  if (token.unit === unit) return true;
  if (token.role !== "collector") return false;
  return atOrAbove(db, token.unit, unit);
}
