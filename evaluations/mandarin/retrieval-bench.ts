// Mandarin and mixed Chinese/English retrieval over the bundled knowledge base (issue 18, item 3).
// Usage: npx tsx evaluations/mandarin/retrieval-bench.ts [file.jsonl] [--embeddings]
// Each row: a query as a customer or agent would type it, and the articles a supervisor accepts.
// Reported twice: filtered to the query's language (what cards do on a Mandarin call) and over
// the whole bilingual base (typed search), where the query's own language must come first.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../src/stores/open-database.js';
import { migrate } from '../../src/stores/migrate.js';
import { createJiebaWordSplitter } from '../../src/providers/jieba/jieba-word-splitter.js';
import { createLocalEmbeddingModel } from '../../src/providers/worker/local-embeddings.js';
import { ingestPath } from '../../src/knowledge/ingest.js';
import { searchKnowledge } from '../../src/knowledge/search.js';

const args = process.argv.slice(2);
const file =
  args.find((arg) => !arg.startsWith('--')) ?? new URL('retrieval.jsonl', import.meta.url).pathname;
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { id: string; query: string; articles: string[] });

const db = await openDatabase({});
await migrate(db);
await db.query(`INSERT INTO tenants (id, name) VALUES ('bench', 'Bench')`);
const embedder = args.includes('--embeddings') ? await createLocalEmbeddingModel(1) : null;
const deps = { db, embedder, splitter: createJiebaWordSplitter() };
await ingestPath(deps, 'bench', new URL('../../knowledge/articles', import.meta.url).pathname);

const tally = { filtered: { at1: 0, at3: 0 }, whole: { at1: 0, at3: 0 } };
const misses: string[] = [];
for (const row of rows) {
  const language = /[\u3400-\u9fff]/.test(row.query) ? 'zh' : 'en';
  for (const scope of ['filtered', 'whole'] as const) {
    const results = await searchKnowledge(deps, {
      tenantId: 'bench',
      query: row.query,
      limit: 3,
      log: false,
      useFeedback: false,
      ...(scope === 'filtered' ? { filters: { language } } : {}),
    });
    const ids = results.map((result) => result.articleId);
    if (row.articles.includes(ids[0] ?? '')) tally[scope].at1++;
    else misses.push(`${row.id} ${scope} ${row.query} → ${ids.join(', ') || '(none)'}`);
    if (ids.some((id) => row.articles.includes(id))) tally[scope].at3++;
  }
}
const share = (n: number) => (n / rows.length).toFixed(3);
console.log(`${rows.length} queries (${file})`);
for (const scope of ['filtered', 'whole'] as const)
  console.log(
    `${scope.padEnd(8)} hit@1 ${share(tally[scope].at1)}  hit@3 ${share(tally[scope].at3)}`,
  );
console.log(misses.map((miss) => `  miss ${miss}`).join('\n'));
await (embedder as { close?: () => Promise<void> } | null)?.close?.();
await db.close();
