/**
 * One data layer over two engines: embedded PGlite (default) and a real Postgres server
 * (`DATABASE_URL`). Both speak the same SQL; callers never know which one they have.
 */
export type SqlParam = string | number | boolean | null | Date | Uint8Array | unknown[] | object;

/**
 * `interactive` (default): short statements a live conversation waits for (items, events,
 * state). `background`: long reads whose result is a suggestion that may come later or not at all
 * (knowledge search, similar cases). The embedded engine runs one statement at a time and lets
 * interactive ones go first; a Postgres server runs them side by side and ignores the hint.
 */
export type QueryPriority = 'interactive' | 'background';

export interface QueryOptions {
  priority?: QueryPriority | undefined;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: QueryOptions,
  ): Promise<{ rows: Row[]; affectedRows: number }>;
  /** Runs a multi-statement script with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** How busy the engine is right now (metrics). */
export interface DatabaseLoad {
  /** Connections open (the embedded engine has one). */
  connections: number;
  /** Connections running a statement or holding a transaction. */
  busy: number;
  /** Callers waiting for a connection (embedded: statements queued behind the running one). */
  waiting: number;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Absent on engines that cannot tell (the in-thread PGlite of some tools). */
  load?(): DatabaseLoad;
  /**
   * Runs `work` in one transaction on one connection; rolls back when it throws. On the embedded
   * engine (one connection) other statements wait until it ends: keep `work` short.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Lets statements already issued finish, then closes; later calls are refused. */
  close(): Promise<void>;
}

/**
 * Session setting both engines apply to every connection. pgvector's default HNSW candidate list
 * (ef_search 40) returned about half of the true top 10 at 100k chunks in `npm run bench:search`
 * (0.53 on Postgres, 0.69 embedded); 100 raised recall to 0.69 / 0.85 for a few milliseconds.
 */
export const SESSION_SETTINGS = 'SET hnsw.ef_search = 100';
/** The same settings as a server connection's startup options (`-c name=value`). */
export const SESSION_STARTUP_OPTIONS = '-c hnsw.ef_search=100';

/** Resolves when the database answers a trivial statement (readiness checks); throws otherwise. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
