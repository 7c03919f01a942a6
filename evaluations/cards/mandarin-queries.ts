// Mandarin phrasings of common contact-center needs, searched as a Mandarin call's cards search
// (Chinese articles of the bundled base, no sentence encoder: none runs offline for Chinese).
// Usage: npx tsx evaluations/cards/mandarin-queries.ts
//
// A second check on the term bridge (decision 0030) beside the golden calls: customer words the
// articles do not use (多扣, 两遍, 注销, 补偿), English words inside Chinese speech (data, wifi,
// app, bill, refund) and an English intent name as the analyzer adds it. Written by us after the
// fix, not drawn from the goldens, but not held out either: read the figure as "these phrasings
// work", not as a generalisation estimate. Prints each query's top three and the hit@1 count.
import path from 'node:path';
import { openTestDatabase } from '../../test/support/test-database.js';
import { createJiebaWordSplitter } from '../../src/providers/jieba/jieba-word-splitter.js';
import { ingestPath } from '../../src/knowledge/ingest.js';
import { searchKnowledge } from '../../src/knowledge/search.js';

/** Query, the accepted first articles, and the live intent's name when the analyzer adds one. */
const cases: [string, string[], string?][] = [
  ['我的话费怎么多扣了五十块', ['zh-billing-dispute', 'zh-billing-understanding']],
  ['退款什么时候到账', ['zh-billing-refunds']],
  ['出国了手机 data 用不了', ['zh-roaming']],
  ['wifi 连不上，网一直断', ['zh-network-outage']],
  ['我想改一下套餐，换个便宜点的', ['zh-plan-change']],
  ['app 登录不上，密码忘了', ['zh-account-login']],
  ['我要搬家了，宽带怎么办', ['zh-moving-home']],
  ['耳机坏了想退货', ['zh-returns']],
  ['我要注销这个号码', ['zh-cancellation-retention']],
  ['上个月的 bill 看不懂', ['zh-billing-understanding']],
  ['帮我开通国际漫游', ['zh-roaming'], 'roaming travel'],
  ['我想申请 refund，钱扣了两遍', ['zh-billing-refunds', 'zh-billing-dispute'], 'refund request'],
  ['断网两天了能补偿吗', ['zh-outage-compensation']],
  ['我的 eSIM 激活不了', ['zh-devices-sim-esim']],
];

const db = await openTestDatabase('pglite');
try {
  await db.query(`INSERT INTO tenants (id, name) VALUES ('zh', 'Bilingual')`);
  const deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
  await ingestPath(deps, 'zh', path.resolve(import.meta.dirname, '../../knowledge/articles'));
  let hits = 0;
  for (const [text, accepted, intent] of cases) {
    const query = [{ text, weight: 1 }, ...(intent ? [{ text: intent, weight: 0.8 }] : [])];
    const results = await searchKnowledge(deps, {
      tenantId: 'zh',
      query,
      limit: 3,
      log: false,
      useFeedback: false,
      filters: { language: 'zh' },
    });
    const hit = accepted.includes(results[0]?.articleId ?? '');
    if (hit) hits++;
    const ranked = results.map((r) => `${r.articleId} ${r.confidence.toFixed(2)}`).join(', ');
    console.log(`${hit ? 'hit ' : 'miss'} ${text}${intent ? ` [${intent}]` : ''} → ${ranked}`);
  }
  console.log(`hit@1 ${hits}/${cases.length}`);
} finally {
  await db.close();
}
