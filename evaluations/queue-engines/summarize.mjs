#!/usr/bin/env node
// Prints the measured table of decision 0008 from results/raw.jsonl (bench.mjs --out):
// each figure is "round 1 / round 2 / …" in the order the runs were made.
//   node evaluations/queue-engines/summarize.mjs evaluations/queue-engines/results/raw.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('./results/raw.jsonl', import.meta.url);
const runs = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const engines = [...new Set(runs.map((r) => r.engine))];
const pick = (engine, phase, field) =>
  runs
    .filter((r) => r.engine === engine && r[phase])
    .map((r) => r[phase][field])
    .join(' / ');
const rows = [
  ['library version', (e) => runs.find((r) => r.engine === e)?.library ?? 'ours'],
  [
    'enqueue + complete, jobs/s (2,000 jobs, 100 conversations, 8 producers)',
    (e) => pick(e, 'throughput', 'jobsPerSecond'),
  ],
  [
    'backlog drain, jobs/s (400 jobs, 20 conversations)',
    (e) => pick(e, 'ordering', 'drainJobsPerSecond'),
  ],
  ['commit → handler start, p50 ms (50 jobs/s)', (e) => pick(e, 'latency', 'p50Ms')],
  ['commit → handler start, p95 ms', (e) => pick(e, 'latency', 'p95Ms')],
  ['accepting BEGIN → handler start, p50 ms', (e) => pick(e, 'latency', 'acceptP50Ms')],
  ['accepting BEGIN → handler start, p95 ms', (e) => pick(e, 'latency', 'acceptP95Ms')],
  [
    'per-conversation order violations (backlog of 400)',
    (e) => pick(e, 'ordering', 'orderingViolations'),
  ],
  [
    'duplicates (all phases)',
    (e) =>
      runs
        .filter((r) => r.engine === e)
        .reduce(
          (n, r) =>
            n +
            ['throughput', 'latency', 'ordering'].reduce((m, p) => m + (r[p]?.duplicates ?? 0), 0),
          0,
        ),
  ],
  [
    'kill -9 mid-job → another worker starts it, s (lease 10 s)',
    (e) => pick(e, 'takeover', 'secondsAfterKill'),
  ],
  [
    '1-min load average at the start of the throughput run',
    (e) =>
      runs
        .filter((r) => r.engine === e && r.throughput)
        .map((r) => r.loadBefore?.[0])
        .join(' / '),
  ],
];
console.log(`| | ${engines.join(' | ')} |`);
console.log(`|---|${engines.map(() => '---').join('|')}|`);
for (const [label, value] of rows) console.log(`| ${label} | ${engines.map(value).join(' | ')} |`);
