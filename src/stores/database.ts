/**
 * One data layer over two engines: embedded PGlite (default) and a real Postgres server
 * (`DATABASE_URL`). Both speak the same SQL; callers never know which one they have.
 */
export type SqlParam = string | number | boolean | null | Date | Uint8Array | unknown[] | object;

export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ): Promise<{ rows: Row[]; affectedRows: number }>;
  /** Runs a multi-statement script with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
