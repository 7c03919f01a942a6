import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashingEmbeddingModel } from '../../providers/local/hashing-embedding-model.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import {
  runAnalyzer,
  testConversation,
  type Turn,
} from '../../assist/testing/transcript-fixture.js';
import { createCaseEncoder } from './case-encoder.js';
import { createSimilarCasesAnalyzer } from './similar-cases-analyzer.js';
import { indexCase } from './similar-cases.js';

/**
 * Similar cases on Mandarin calls (issue 18). The embedder here reads English only, as the offline
 * sentence encoder does; Chinese cases must still find each other, by their words.
 */
const englishOnly: EmbeddingModel = {
  ...createHashingEmbeddingModel(64),
  id: 'test/english-only',
  languages: ['en'],
};
const splitter = createJiebaWordSplitter();
const encoder = createCaseEncoder({ embedder: englishOnly, splitter, minSimilarity: 0.6 });

const pastCases: Record<string, string[]> = {
  'zh-double-charge': [
    '你好，我这个月的宽带月费被扣了两次，同一笔钱重复扣费了。',
    '对，两笔都是八十九块，我要求把多扣的钱退回来。',
  ],
  'zh-outage': [
    '你好，我家从昨天晚上开始就断网了，路由器一直亮红灯。',
    '重启过了还是上不了网，什么时候能修好？',
  ],
  'zh-cancel': ['我想把会员退订了，最近根本不怎么用。', '不用给我优惠了，直接帮我注销吧。'],
};

let db: Database;
beforeAll(async () => {
  db = await openDatabase({});
  await migrate(db);
  await db.query(`INSERT INTO tenants (id, name) VALUES ('tenant-1', 'Test')`);
  for (const id of [...Object.keys(pastCases), testConversation.id])
    await db.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel) VALUES ($1, 'tenant-1', $1, 'voice')`,
      [id],
    );
  for (const [id, said] of Object.entries(pastCases)) {
    const caseText = said.join('\n');
    await indexCase(db, encoder.modelFor(caseText), {
      tenantId: 'tenant-1',
      conversationId: id,
      caseText,
      summary: `案例 ${id}`,
      disposition: null,
      outcome: 'resolved',
      endedAt: null,
    });
  }
});
afterAll(async () => db?.close());

async function casesShown(turns: Turn[]) {
  const analyzer = createSimilarCasesAnalyzer({ db, embedder: englishOnly, splitter });
  const runs = await runAnalyzer(analyzer, turns, { tenantId: 'tenant-1' });
  return runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'similar-case'
        ? [event.suggestion]
        : [],
    ),
  );
}

describe('similar cases on Mandarin calls', () => {
  it('finds the earlier double-charge case for a new call worded differently, and only that one', async () => {
    const shown = await casesShown([
      { agent: '您好，请问有什么可以帮您？' },
      { customer: '我发现这个月的月费扣了两遍，账单上有两笔一样的扣款。' },
    ]);
    expect(shown.map((found) => found.conversationId)).toEqual(['zh-double-charge']);
    expect(shown[0]!.reason).toMatch(/^一个已解决的案例，客户说的情况很相似（相似度0\.\d\d）。$/);
  });

  it('finds the outage case for an outage call, and nothing for an unrelated request', async () => {
    const outage = await casesShown([
      { customer: '家里的网从今天早上就断了，路由器灯一直是红色的，重启也没用。' },
    ]);
    expect(outage.map((found) => found.conversationId)).toEqual(['zh-outage']);
    const unrelated = await casesShown([
      { customer: '我想问一下你们的营业厅周末几点开门，我要去办一张新的电话卡。' },
    ]);
    expect(unrelated).toEqual([]);
  });

  it('waits until the customer has said enough, counting Chinese words rather than clauses', async () => {
    expect(await casesShown([{ customer: '月费扣了两次。' }])).toEqual([]);
    expect(encoder.countWords('我发现这个月的月费扣了两遍')).toBeGreaterThan(5);
  });
});
