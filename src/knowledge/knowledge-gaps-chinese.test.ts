import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { searchKnowledge } from './search.js';
import { knowledgeGaps } from './feedback.js';

// Questions agents typed during Mandarin billing calls that no article answers.
const doubleCharge = [
  '如果客户被重复扣费了，我该怎么给您退款？',
  '重复扣费了怎么退款',
  '客户说扣了两次，重复扣费的退款要多久？',
];
const roaming = ['国际漫游怎么开通', '出国了国际漫游开通不了'];

describe('knowledge gaps in Chinese', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'T')`);
    const deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
    for (const query of [...doubleCharge, ...roaming])
      await searchKnowledge(deps, { tenantId: 't1', query, limit: 3 });
  });
  afterAll(async () => db.close());

  it('groups weak Chinese searches by content words, not by function words', async () => {
    const gaps = await knowledgeGaps(db, { tenantId: 't1', maxScore: 0.3 });
    const refund = gaps.find((gap) => gap.terms.includes('退款'));
    expect(refund).toMatchObject({ count: 3 });
    expect(refund?.terms).toEqual(expect.arrayContaining(['重复', '扣费', '退款']));
    const roamingGap = gaps.find((gap) => gap.terms.includes('国际漫游'));
    expect(roamingGap).toMatchObject({ count: 2 });
    expect(roamingGap?.terms).toContain('开通');
    for (const gap of gaps)
      for (const word of ['我', '了', '您', '如果', '怎么', '不了'])
        expect(gap.terms).not.toContain(word);
  });
});
