import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { openCuecardDatabase } from '../app/compose-cuecard.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { createEmbeddingModel } from '../knowledge/create-embedding-model.js';
import { ingestPath } from '../knowledge/ingest.js';
import { searchKnowledge } from '../knowledge/search.js';
import { knowledgeGaps } from '../knowledge/feedback.js';

const usage = `Usage:
  npm run kb -- ingest <folder|file> [--tenant ID] [--keywords-only]
  npm run kb -- search "<query>" [--tenant ID] [--limit N] [--tag T] [--language L]
  npm run kb -- gaps [--tenant ID]`;

/** A one-line progress bar on stderr (stdout stays clean for scripts). */
function progressBar(label: string): (done: number, total: number) => void {
  const started = Date.now();
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${seconds}s`,
    );
    if (done === total) process.stderr.write('\n');
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string', default: 'dev' },
      limit: { type: 'string', default: '5' },
      tag: { type: 'string', multiple: true },
      language: { type: 'string' },
      'keywords-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  const config = loadConfig();
  const { db } = await openCuecardDatabase(config);
  try {
    const tenantId = values.tenant!;
    const tenants = createTenantStore(db);
    // Ingest may create the tenant (first use of a fresh database); other commands need it to exist.
    if (command === 'ingest') {
      await tenants.ensureTenant(tenantId);
    } else if (!(await tenants.getTenant(tenantId))) {
      throw new CuecardError(
        'not_found',
        `No tenant "${tenantId}"; ingest articles first or pass --tenant`,
      );
    }
    const splitter = createJiebaWordSplitter();
    switch (command) {
      case 'ingest': {
        if (!target)
          throw new CuecardError('validation_failed', `ingest needs a folder or file.\n${usage}`);
        const embedder = values['keywords-only'] ? null : await createEmbeddingModel(config);
        const report = await ingestPath(
          { db, embedder, splitter },
          tenantId,
          path.resolve(target),
          {
            changedBy: 'cli',
            onProgress: progressBar('ingest'),
          },
        );
        console.log(
          JSON.stringify({ tenant: tenantId, embeddingModel: embedder?.id ?? null, ...report }),
        );
        break;
      }
      case 'search': {
        if (!target) throw new CuecardError('validation_failed', `search needs a query.\n${usage}`);
        const embedder = values['keywords-only'] ? null : await createEmbeddingModel(config);
        const results = await searchKnowledge(
          { db, embedder, splitter },
          {
            tenantId,
            query: target,
            limit: Number(values.limit),
            // An operator's trial search is no knowledge gap, and is stored nowhere unredacted.
            log: false,
            filters: {
              ...(values.tag ? { tags: values.tag } : {}),
              ...(values.language ? { language: values.language } : {}),
            },
          },
        );
        for (const result of results) {
          console.log(
            `${result.confidence.toFixed(2)}  ${result.articleId}  ${result.title}\n      ${result.passage.replace(/\s+/g, ' ').slice(0, 200)}`,
          );
        }
        break;
      }
      case 'gaps': {
        console.log(JSON.stringify(await knowledgeGaps(db, { tenantId }), null, 2));
        break;
      }
      default:
        throw new CuecardError('validation_failed', `Unknown command "${command}".\n${usage}`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`kb failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
