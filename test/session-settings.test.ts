import { describe, expect, it } from 'vitest';
import { engines, openTestDatabase } from './support/test-database.js';

describe.each(engines)('database session settings on %s', (engine) => {
  it('searches the HNSW index with a wider candidate list than pgvector’s default', async () => {
    const db = await openTestDatabase(engine);
    try {
      // Several statements, so that on the server more than one pooled connection is checked.
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          db.query<{ value: string }>("SELECT current_setting('hnsw.ef_search') AS value"),
        ),
      );
      for (const { rows } of answers) expect(rows[0]?.value).toBe('100');
    } finally {
      await db.close();
    }
  });
});
