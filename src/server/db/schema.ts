import type { ColumnType } from "kysely";

/** Tables of the collection server. Timestamps are ISO-8601 UTC strings in both databases. */
export interface UnitsTable {
  code: string;
  name: string;
  kind: "bureau" | "department" | "hospital";
  parent: string | null;
  ownership: "public" | "private" | null;
  grade: "1" | "2" | "3" | null;
  active_from: string | null;
  active_to: string | null;
}

export interface TokensTable {
  id: string;
  /** sha256 of the token: the token itself is shown once and never stored. */
  token_hash: string;
  unit: string;
  role: "reporter" | "collector" | "admin";
  created_at: string;
  revoked_at: string | null;
}

/** Append-only: every accepted version of every report. */
export interface SubmissionsTable {
  id: string;
  unit: string;
  template: string;
  template_version: number;
  period: string;
  version: number;
  received_at: string;
  on_time: number;
  document: string;
  issues: string;
  token_id: string;
  remote_addr: string;
  /** Explanations (说明) the version carries; 0 for versions stored before they existed. */
  explained: ColumnType<number, number | undefined, number>;
}

/** The last version handed out per report: the row every concurrent submission of it queues on. */
export interface ReportHeadsTable {
  unit: string;
  template: string;
  period: string;
  last_version: number;
  first_received_at: string;
}

export interface IdempotencyTable {
  unit: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface LocksTable {
  unit: string;
  template: string;
  period: string;
  locked_by: string;
  locked_at: string;
}

/** The review of a report (migration 0002-review): current for the report's latest version only. */
export interface ReviewsTable {
  unit: string;
  template: string;
  period: string;
  version: number;
  state: "accepted" | "returned";
  reason: string | null;
  reviewed_at: string;
  reviewer_token: string;
  reviewer_unit: string;
}

export interface AuditTable {
  id: string;
  at: string;
  token_id: string | null;
  unit: string | null;
  remote_addr: string | null;
  action: string;
  detail: string;
}

/** Installed table definitions, one row per version; a table is retired when its latest row is. */
export interface TemplatesTable {
  id: string;
  version: number;
  /** The definition as compiled (defaults filled), JSON. */
  definition: string;
  installed_at: string;
  retired_at: string | null;
}

/**
 * One link of the audit chain (migration 0008): a row of a chained table as written (content: the
 * SM3 digest of its canonical content) or deleted (content ""), and its HMAC-SM3 under a key kept
 * outside the database (db/chain-links.ts).
 */
export interface ChainTable {
  seq: number;
  prev: string;
  tbl: string;
  row_key: string;
  content: string;
  at: string;
  mac: string;
}

/** The last link of the chain: the row every writer of a link locks (PostgreSQL) and moves. */
export interface ChainHeadTable {
  id: number;
  seq: number;
  mac: string;
  at: string;
}

export interface Database {
  templates: TemplatesTable;
  units: UnitsTable;
  tokens: TokensTable;
  submissions: SubmissionsTable;
  report_heads: ReportHeadsTable;
  idempotency: IdempotencyTable;
  locks: LocksTable;
  audit: AuditTable;
  reviews: ReviewsTable;
  chain: ChainTable;
  chain_head: ChainHeadTable;
}
