import pg from 'pg';
import {
  SESSION_STARTUP_OPTIONS,
  type Database,
  type Queryable,
  type SqlParam,
} from './database.js';
import { CuecardError } from '../errors/cuecard-error.js';

pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * `CREATE EXTENSION IF NOT EXISTS` is not safe when instances start together: the loser of the
 * race fails on the catalog's unique index although the extension is there (it read as "install
 * pgvector"). A unique violation is therefore checked against the catalog before it is an error.
 */
async function enablePgvector(pool: pg.Pool): Promise<void> {
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    const { rows } = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
    if (rows.length === 0) throw error;
  }
}

/** A real Postgres server with the pgvector extension, through a connection pool. */
export async function openPostgresDatabase(url: string, poolSize = 8): Promise<Database> {
  // The session settings travel in the startup packet: every pooled connection has them from its
  // first statement, with no extra query racing the caller's (pg refuses overlapping queries).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: SESSION_STARTUP_OPTIONS,
  });
  // An idle connection the server ends (restart, failover) must not crash the process; the pool
  // replaces it on the next query.
  pool.on('error', () => undefined);
  try {
    await enablePgvector(pool);
  } catch (error) {
    await pool.end();
    throw new CuecardError(
      'provider_unavailable',
      'Could not enable the pgvector extension on DATABASE_URL. Install pgvector on that server ' +
        '(the pgvector/pgvector image in docker-compose.yml has it) and check the URL and credentials.',
      { cause: error },
    );
  }
  const wrap = (target: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  });
  const base = wrap(pool);
  return {
    engine: 'postgres',
    query: base.query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The work's error is the one to report; a connection that cannot roll back is broken
        // and fails its next query anyway.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    exec: base.exec,
    load: () => ({
      connections: pool.totalCount,
      busy: pool.totalCount - pool.idleCount,
      waiting: pool.waitingCount,
    }),
    async close() {
      await pool.end();
    },
  };
}
