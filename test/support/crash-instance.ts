/**
 * A Cuecard process for fault-injection tests: the real composition (embedded data folder or
 * DATABASE_URL) with one counting analyzer and one wrap-up step, each slowed down by an env var so
 * that a test can kill -9 the process between the ack and the work. Prints one JSON line
 * `{"port": …, "keys": {…}}` once it listens.
 *   CRASH_ANALYZE_MS, CRASH_FINALIZE_MS: how long the analyzer and the wrap-up step take.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config.js';
import { composeCuecard } from '../../src/app/compose-cuecard.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../../src/pipeline/analyzer.js';

const analyzeMs = Number(process.env.CRASH_ANALYZE_MS ?? 0);
const finalizeMs = Number(process.env.CRASH_FINALIZE_MS ?? 0);

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const wordCount: RunnableAnalyzer = {
  name: 'word-count',
  languages: 'any',
  reads: [],
  // Longer than any pause below: slowness must not turn into a timeout error event.
  timeoutMs: 60_000,
  async analyze({ item, signal }) {
    if (item.kind !== 'utterance') return null;
    await pause(analyzeMs, signal);
    return { result: { words: item.text.split(/\s+/).filter(Boolean).length } };
  },
};

const itemCount: RunnableFinalizer = {
  name: 'item-count',
  languages: 'any',
  reads: [],
  readsLive: ['word-count'],
  timeoutMs: 60_000,
  async finalize({ transcript, signal }) {
    await pause(finalizeMs, signal);
    return { result: { items: transcript.length } };
  },
};

async function main() {
  const config = loadConfig({ ...process.env, CUECARD_DEV_TENANT: 'false' });
  const cuecard = await composeCuecard(config, {
    capabilities: 'none',
    analyzers: [wordCount],
    finalizers: [itemCount],
    logger: false,
  });
  const { tenants } = cuecard.services;
  const keys: Record<string, string> = {};
  // Each start issues fresh keys for the one test tenant: a restart's keys work like the first's.
  if (!(await tenants.getTenant('crash')))
    await tenants.createTenant({ id: 'crash', name: 'Crash' }).catch(() => undefined);
  for (const role of ['connector', 'supervisor'] as const)
    keys[role] = (await tenants.issueKey({ tenantId: 'crash', role, name: `crash ${role}` })).key;
  await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = cuecard.app.server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port, keys })}\n`);
  const stop = async () => {
    await cuecard.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`crash instance failed: ${String(error)}\n`);
  process.exit(1);
});
