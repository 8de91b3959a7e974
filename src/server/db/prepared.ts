import type pg from "pg";

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement). The
 * hot path's statements run thousands of times a second with the same text; sent unnamed, as the
 * query builder sends them, each would be parsed and planned again every time.
 */
export type Prepared = <R extends object>(
  name: string,
  text: string,
  values: unknown[]
) => Promise<R[]>;

export function preparedOn(pool: pg.Pool): Prepared {
  return async <R extends object>(name: string, text: string, values: unknown[]) =>
    (await pool.query<R & pg.QueryResultRow>({ name, text, values })).rows;
}
