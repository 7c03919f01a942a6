import type { Database, Queryable } from '../database.js';

/**
 * A database whose statements can be made to fail on demand, in front of a real one: what a
 * stage sees when Postgres goes away mid-call (connection reset, failover). Everything passes
 * through untouched until `fail(true)`; the real database is never closed by it.
 */
export interface FaultyDatabase {
  readonly db: Database;
  fail(on: boolean): void;
}

export class InjectedDatabaseFault extends Error {
  constructor() {
    super('injected database fault');
    this.name = 'InjectedDatabaseFault';
  }
}

export function createFaultyDatabase(real: Database): FaultyDatabase {
  let failing = false;
  const check = () => {
    if (failing) throw new InjectedDatabaseFault();
  };
  const guard = (inner: Queryable): Queryable => ({
    async query(sql, params, options) {
      check();
      return inner.query(sql, params, options);
    },
    async exec(sql) {
      check();
      return inner.exec(sql);
    },
  });
  const guarded = guard(real);
  const db: Database = {
    engine: real.engine,
    query: guarded.query,
    exec: guarded.exec,
    async transaction(work) {
      check();
      return real.transaction((tx) => work(guard(tx)));
    },
    // The real database belongs to whoever opened it.
    close: async () => undefined,
  };
  return {
    db,
    fail(on) {
      failing = on;
    },
  };
}
