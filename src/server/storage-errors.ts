/**
 * Whether an error means the database cannot store or read at the moment — a full disk, an I/O
 * error, the file locked past the wait, a database that refuses connections — rather than a
 * fault of the request or of our code. Such a request is answered 503 with Retry-After. Writes
 * that end in one are one transaction each, so nothing of them was stored — unless the
 * connection was cut during the commit itself, which no server can tell; the same request under
 * the same key (the pane's queue; the web page keeps the key of an unchanged body) is then
 * answered from what was stored, never stored twice.
 */
export function storageUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  // node-postgres gives a connection cut under a query (the server stopped, the network failed)
  // no code, only this message.
  if (code === undefined) return err instanceof Error && PG_CONNECTION_LOST.test(err.message);
  return (
    /^SQLITE_(FULL|IOERR|BUSY|READONLY|CANTOPEN|PROTOCOL)/.test(code) ||
    // PostgreSQL: insufficient resources (53xxx: disk full, out of memory, too many
    // connections), connection exceptions (08xxx), shutting down or starting up (57P01–57P03).
    /^(53|08)[0-9A-Z]{3}$/.test(code) ||
    /^57P0[123]$/.test(code) ||
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT"
  );
}

const PG_CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

/** The code of a database's error (SQLITE_FULL, a SQLSTATE, ECONNRESET), when it has one. */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Seconds a client is asked to wait before sending again. */
export const STORAGE_RETRY_AFTER_S = 30;
