import { hash as digest, randomBytes, randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { audit } from "./audit";
import { hotReadsOf, TEMPLATES_SIGNATURE } from "./db/hot-reads";
import { postgresReadsOf } from "./db/read-batches";
import type { Database, TokensTable } from "./db/schema";

export type Role = TokensTable["role"];

export interface TokenInfo {
  id: string;
  unit: string;
  role: Role;
}

// The one-shot digest: every request hashes its token, and no Hash object is made for it.
export const hashToken = (token: string): string => digest("sha256", token, "hex");

/** Issues a token (192 random bits), stores only its hash, and returns it once. */
export async function issueToken(
  db: Kysely<Database>,
  unit: string,
  role: Role
): Promise<{ token: string; id: string }> {
  const token = `tb_${randomBytes(24).toString("base64url")}`;
  const id = randomUUID();
  await db
    .insertInto("tokens")
    .values({
      id,
      token_hash: hashToken(token),
      unit,
      role,
      created_at: new Date().toISOString(),
      revoked_at: null,
    })
    .execute();
  await audit(db, { action: "token.issued", unit, detail: { id, role } });
  return { token, id };
}

const wellFormed = (token: string): boolean => /^tb_[A-Za-z0-9_-]{16,64}$/.test(token);

/** The active token of this text, or null (the request's read without the signature). */
export async function authenticate(db: Kysely<Database>, token: string): Promise<TokenInfo | null> {
  return (await authenticateWithSignature(db, token)).token;
}

/**
 * What every request reads first: its token (null without one) and the tables' signature
 * (syncRegistry). On PostgreSQL both come in one query, shared with the requests that ask at the
 * same moment; SQLite answers both from its hot reads.
 */
export async function authenticateWithSignature(
  db: Kysely<Database>,
  token: string | null
): Promise<{ token: TokenInfo | null; signature: string }> {
  const hash = token && wellFormed(token) ? hashToken(token) : null;
  const fast = hotReadsOf(db);
  if (fast) {
    return fast.together(() => ({
      token: hash ? (fast.token(hash) ?? null) : null,
      signature: fast.templatesSignature(),
    }));
  }
  const batch = postgresReadsOf(db);
  if (batch) {
    const read = await batch.token(hash);
    return { token: read.token, signature: JSON.stringify(read.signature) };
  }
  type Row = Record<string, unknown> & { id: string | null; unit: string; role: Role };
  const { rows } = await sql<Row>`
    SELECT s.*, t.id, t.unit, t.role
    FROM (${sql.raw(TEMPLATES_SIGNATURE)}) s
    LEFT JOIN tokens t ON t.token_hash = ${hash} AND t.revoked_at IS NULL`.execute(db);
  // More than one row cannot be: token_hash is unique.
  const { id, unit, role, ...signature } = rows[0]!;
  return {
    token: id === null ? null : { id, unit, role },
    signature: JSON.stringify(signature),
  };
}

export async function revokeToken(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db
    .updateTable("tokens")
    .set({ revoked_at: new Date().toISOString() })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const revoked = Number(r.numUpdatedRows) === 1;
  if (revoked) await audit(db, { action: "token.revoked", detail: { id } });
  return revoked;
}

/** Revokes every active token of a unit (a lost laptop, a clerk who left); returns how many. */
export async function revokeUnitTokens(db: Kysely<Database>, unit: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const active = await trx
      .selectFrom("tokens")
      .select("id")
      .where("unit", "=", unit)
      .where("revoked_at", "is", null)
      .execute();
    if (!active.length) return 0;
    await trx
      .updateTable("tokens")
      .set({ revoked_at: new Date().toISOString() })
      .where(
        "id",
        "in",
        active.map((t) => t.id)
      )
      .execute();
    await audit(trx, {
      action: "token.revoked",
      unit,
      detail: { ids: active.map((t) => t.id) },
    });
    return active.length;
  });
}
