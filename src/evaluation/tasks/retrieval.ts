import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import { ingestArticles } from '../../knowledge/ingest.js';
import type { ArticleInput } from '../../knowledge/parse-document.js';
import { searchKnowledge } from '../../knowledge/search.js';
import { conversationQuery } from '../../knowledge/conversation-query.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { importResolutions } from '../../knowledge/learned-ranking/resolution-store.js';
import { createResolutionRankers } from '../../knowledge/learned-ranking/resolution-rankers.js';
import { dataError, readJsonl, requireId, requireString, writeJsonl } from '../io.js';
import type { EvalArgs, EvalReporter, EvalTask } from '../task.js';

export interface RetrievalMetrics {
  n: number;
  'hit@1': number;
  'hit@3': number;
  mrr: number;
}

export function retrievalMetrics(
  gold: readonly (readonly string[])[],
  ranked: readonly (readonly string[])[],
): RetrievalMetrics {
  let hit1 = 0;
  let hit3 = 0;
  let reciprocal = 0;
  gold.forEach((relevant, i) => {
    const set = new Set(relevant);
    const position = (ranked[i] ?? []).findIndex((id) => set.has(id));
    if (position === 0) hit1++;
    if (position >= 0 && position < 3) hit3++;
    if (position >= 0) reciprocal += 1 / (position + 1);
  });
  const n = gold.length;
  return { n, 'hit@1': n ? hit1 / n : 0, 'hit@3': n ? hit3 / n : 0, mrr: n ? reciprocal / n : 0 };
}

const hanScript = /[\u3400-\u9fff]/;

async function readConversations(file: string) {
  const rows = await readJsonl(file);
  return rows.map((row) => {
    const relevant = row.value.relevant;
    if (
      !Array.isArray(relevant) ||
      !relevant.every((id) => typeof id === 'string' || typeof id === 'number')
    ) {
      throw dataError(file, row.line, 'relevant', 'must be an array of article ids');
    }
    // A past conversation may carry the wrap-up code it was confirmed with (learning from codes).
    const code = row.value.code;
    if (code !== undefined && typeof code !== 'string')
      throw dataError(file, row.line, 'code', 'must be a string (the confirmed wrap-up code)');
    return {
      id: requireId(file, row),
      text: requireString(file, row, 'text'),
      relevant: relevant.map(String),
      ...(code ? { code } : {}),
    };
  });
}

async function readKb(file: string): Promise<ArticleInput[]> {
  const rows = await readJsonl(file);
  return rows.map((row) => {
    const labels = row.value.labels;
    if (
      labels !== undefined &&
      !(Array.isArray(labels) && labels.every((l) => typeof l === 'string'))
    ) {
      throw dataError(file, row.line, 'labels', 'must be an array of strings');
    }
    const title = requireString(file, row, 'title');
    const body = requireString(file, row, 'body');
    return {
      id: requireId(file, row),
      title,
      body,
      // Labels are what a customer would enter as tags.
      tags: (labels as string[] | undefined) ?? [],
      language: hanScript.test(title + body) ? 'zh' : 'en',
      status: 'published',
      owner: null,
      source: null,
    };
  });
}

export interface RetrievalOptions {
  embedder: EmbeddingModel | null;
  /** Time the query phase may take before queries stop waiting for vectors. */
  budgetMs?: number;
}

/** The contract allows 15 minutes; reading, ingesting and start-up need the rest. */
const DEFAULT_BUDGET_MS = 11 * 60_000;
/**
 * The first query batches wait at least this long (within the budget): their share of the
 * budget is a fraction of a second, less than the encoder needs for its first batch, and
 * without a grace the opening queries of every run went without vectors.
 */
const START_GRACE_MS = 30_000;

/** The value, or undefined once `ms` have passed (the timer never outlives the race). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The offline encoder in one worker thread per core: embedding is most of the cost of a run,
 * and the database (PGlite) keeps the main thread busy meanwhile.
 */
async function defaultEmbedder(): Promise<EmbeddingModel & { close(): Promise<void> }> {
  const { createWorkerEmbeddingModel } =
    await import('../../providers/worker/worker-embedding-model.js');
  const modulePath = fileURLToPath(
    new URL('../../providers/local/use-embedding-model.ts', import.meta.url),
  );
  return createWorkerEmbeddingModel({
    modulePath,
    exportName: 'createUseEmbeddingModel',
    workers: Math.max(1, Math.min(2, availableParallelism())),
    batchSize: 16,
  });
}

export async function runRetrieval(
  args: EvalArgs,
  reporter: EvalReporter,
  options?: RetrievalOptions,
): Promise<RetrievalMetrics> {
  if (!args.kb)
    throw new CuecardError(
      'validation_failed',
      'The retrieval task needs --kb FILE (articles {id, title, body, labels?}).',
    );
  const articles = await readKb(args.kb);
  const tests = await readConversations(args.test);
  // Past conversations and the articles that resolved them: imported as a tenant imports its
  // history, and learned from by the product's own ranker.
  const resolved = args.train ? await readConversations(args.train) : [];
  const owned = options ? null : await defaultEmbedder();
  const embedder = options ? options.embedder : owned;
  const splitter = createJiebaWordSplitter();
  const db: Database = await openDatabase({});
  try {
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('eval', 'evaluation')`);
    reporter.progress(
      `ingesting ${articles.length} articles${embedder ? ` with ${embedder.id}` : ' (keywords only)'}`,
    );
    await ingestArticles({ db, embedder, splitter }, 'eval', articles, {
      onProgress: (done, total) => {
        if (done % 10 === 0 || done === total)
          reporter.progress(`ingested ${done}/${total} articles`);
      },
    });
    const resolutions = resolved.length > 0 ? createResolutionRankers({ db }) : undefined;
    if (resolutions) {
      await importResolutions(
        db,
        'eval',
        resolved.map((row) => ({
          id: row.id,
          text: row.text,
          articleIds: row.relevant,
          ...(row.code ? { code: row.code } : {}),
        })),
      );
      const ranker = await resolutions.rankerFor('eval');
      reporter.progress(`learned from ${ranker?.size ?? 0} resolved conversations`);
    }
    const everyId = articles.map((a) => a.id);
    const queries = tests.map((test) => conversationQuery(test.text));
    // Start embedding every query now (workers batch them); searches consume them in order.
    const vectors: Promise<Float32Array | undefined>[] = embedder
      ? chunked(
          queries.map((q) => q.vectorText),
          64,
        ).flatMap((batch) => {
          const pending = embedder.embed(batch);
          // A failed batch degrades those queries to keyword search (counted in the progress line).
          return batch.map((_, i) => pending.then((vs) => vs[i]).catch(() => undefined));
        })
      : [];
    const out = writeJsonl(args.out);
    const ranked: string[][] = [];
    const started = Date.now();
    const budgetMs = options?.budgetMs ?? DEFAULT_BUDGET_MS;
    let keywordOnly = 0;
    for (const [index, test] of tests.entries()) {
      const query = queries[index]!;
      // Budgeted hybrid: query i may wait for its vector until i/n of the time budget. On a
      // machine fast enough (the normal case) every query gets one; on a slow or busy one the
      // late ones fall back to keyword search instead of breaking the time limit.
      const due =
        started +
        Math.min(
          budgetMs,
          Math.min(START_GRACE_MS, budgetMs / 4) + (budgetMs * (index + 1)) / tests.length,
        );
      const queryVector = vectors[index]
        ? await within(vectors[index], Math.max(0, due - Date.now()))
        : undefined;
      if (embedder && !queryVector) keywordOnly++;
      const results = await searchKnowledge(
        { db, embedder: queryVector ? embedder : null, splitter, resolutions },
        {
          tenantId: 'eval',
          query: query.segments,
          vectorText: query.vectorText,
          resolutionText: test.text,
          ...(queryVector ? { queryVector } : {}),
          limit: Math.max(10, articles.length),
          log: false,
          passages: false,
          useFeedback: false,
        },
      );
      const ids = results.map((r) => r.articleId);
      // The contract wants at least 10 (or all): unmatched articles follow in KB order.
      const seen = new Set(ids);
      for (const id of everyId) if (!seen.has(id)) ids.push(id);
      ranked.push(ids);
      out.write({ id: test.id, ranked: ids.slice(0, Math.max(10, Math.min(ids.length, 50))) });
      if ((index + 1) % 500 === 0 || index + 1 === tests.length) {
        const rate = (index + 1) / ((Date.now() - started) / 1000);
        reporter.progress(
          `${index + 1}/${tests.length} queries (${rate.toFixed(1)}/s, ${keywordOnly} without vectors)`,
        );
      }
    }
    await out.close();
    return retrievalMetrics(
      tests.map((t) => t.relevant),
      ranked,
    );
  } finally {
    await db.close();
    await owned?.close();
  }
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const task: EvalTask = {
  name: 'retrieval',
  description:
    'Knowledge retrieval from the conversation so far: hybrid BM25 + vector search, fused with what past resolutions (--train) teach, hit@1/hit@3/MRR',
  async run(args: EvalArgs, reporter: EvalReporter) {
    return { ...(await runRetrieval(args, reporter)) };
  },
};
