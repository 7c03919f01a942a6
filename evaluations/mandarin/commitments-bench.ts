// Precision and recall of follow-ups extracted from Mandarin agent turns (issue 18, point 6).
// Usage: npx tsx evaluations/mandarin/commitments-bench.ts [file.jsonl]
// Each row: one agent turn and its gold commitments (kind, dueAt). The call is taken to end on
// Wednesday 9 December 2026, 06:00 UTC. A found commitment matches a gold one of the same row
// with the same due time (both null counts); kind agreement is reported over the matches.
import { readFileSync } from 'node:fs';
import { extractCommitments } from '../../src/wrap-up/followups/commitments.js';

interface Gold {
  kind: string;
  dueAt: string | null;
}
const file = process.argv[2] ?? new URL('commitments.jsonl', import.meta.url).pathname;
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { id: string; agent: string; gold: Gold[] });
const now = new Date('2026-12-09T06:00:00Z');
let found = 0;
let gold = 0;
let matched = 0;
let sameKind = 0;
const misses: string[] = [];
for (const row of rows) {
  const predicted = extractCommitments([{ seq: 1, speaker: 'agent', text: row.agent }], { now });
  const open = [...row.gold];
  found += predicted.length;
  gold += row.gold.length;
  for (const commitment of predicted) {
    const index = open.findIndex((g) => g.dueAt === commitment.dueAt);
    if (index < 0) {
      misses.push(`${row.id} extra ${commitment.kind} ${commitment.dueAt}`);
      continue;
    }
    matched++;
    if (open[index]!.kind === commitment.kind) sameKind++;
    else misses.push(`${row.id} kind ${commitment.kind} ≠ ${open[index]!.kind}`);
    open.splice(index, 1);
  }
  for (const missed of open) misses.push(`${row.id} missed ${missed.kind} ${missed.dueAt}`);
}
const ratio = (a: number, b: number) => (b === 0 ? 0 : Number((a / b).toFixed(3)));
const precision = ratio(matched, found);
const recall = ratio(matched, gold);
console.log(
  JSON.stringify({
    rows: rows.length,
    gold,
    found,
    matched,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    kindAgreement: ratio(sameKind, matched),
  }),
);
for (const miss of misses) console.error(miss);
