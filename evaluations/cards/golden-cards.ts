// Card precision and recall on the golden conversations (issue 19, item 4), through the service
// as `npm start` assembles it: each golden is played over the real sockets (test/golden/
// play-golden.ts) and the article cards the agent received are scored against its `expect`.
// Usage: npx tsx evaluations/cards/golden-cards.ts [--dump DIR] [--no-record]
//
// - precision: shown cards whose article is one the golden expects (any accepted id of any of
//   its expected cards), on a turn that is not a no-card turn, over all cards shown.
// - recall: expected cards shown in time (an accepted article by `byTurn`), over expected cards.
// - noCardViolations: new cards on turns the golden marks as small talk, verification or closing.
// - overMax: goldens that showed more cards than their `maxCards`.
// The goldens are the acceptance tests the card logic is developed against (a dev set, not a
// held-out one): read these figures as "what an agent sees on our own calls", not as a
// generalisation estimate. Each run appends one line to evaluations/cards/results.jsonl.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedCuecard } from '../../test/support/embedded-cuecard.js';
import {
  GOLDEN_ENV,
  loadGoldenConversations,
  type GoldenConversation,
} from '../../test/golden/golden-conversation.js';
import { playGolden, type GoldenRun } from '../../test/golden/play-golden.js';
import { describeRun } from '../../test/golden/describe-run.js';

interface ShownCard {
  seq: number;
  articleId: string;
}

interface CardScore {
  id: string;
  language: string;
  shown: ShownCard[];
  correct: number;
  expected: number;
  found: number;
  noCardViolations: number[];
  overMax: boolean;
}

function shownCards(run: GoldenRun): ShownCard[] {
  return run.events.flatMap((event) =>
    event.type === 'suggestion' && event.suggestion.kind === 'article' && event.seq !== null
      ? [{ seq: event.seq, articleId: event.suggestion.articleId }]
      : [],
  );
}

export function scoreCards(golden: GoldenConversation, shown: ShownCard[]): CardScore {
  const { cards, noCardTurns, maxCards } = golden.expect;
  const wanted = new Set(cards.flatMap((card) => card.article));
  const quiet = new Set(noCardTurns);
  return {
    id: golden.id,
    language: golden.language,
    shown,
    correct: shown.filter((card) => wanted.has(card.articleId) && !quiet.has(card.seq)).length,
    expected: cards.length,
    found: cards.filter(({ article, byTurn }) =>
      shown.some((card) => article.includes(card.articleId) && card.seq <= byTurn),
    ).length,
    noCardViolations: shown.filter((card) => quiet.has(card.seq)).map((card) => card.seq),
    overMax: maxCards !== undefined && shown.length > maxCards,
  };
}

const ratio = (a: number, b: number) => (b === 0 ? null : Number((a / b).toFixed(3)));

function summarize(scores: readonly CardScore[]) {
  const sum = (pick: (score: CardScore) => number) =>
    scores.reduce((total, score) => total + pick(score), 0);
  const shown = sum((s) => s.shown.length);
  const expected = sum((s) => s.expected);
  return {
    goldens: scores.length,
    shown,
    correct: sum((s) => s.correct),
    expected,
    found: sum((s) => s.found),
    precision: ratio(
      sum((s) => s.correct),
      shown,
    ),
    recall: ratio(
      sum((s) => s.found),
      expected,
    ),
    noCardViolations: sum((s) => s.noCardViolations.length),
    overMax: scores.filter((s) => s.overMax).length,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dump: { type: 'string' }, 'no-record': { type: 'boolean' } },
  });
  const goldens = await loadGoldenConversations();
  // Cards are judged on their choice, not on this machine's load: a search that outlives the
  // analyzer timeout on a busy 2-core box would count as "no card" (the live latency is measured
  // by npm run bench).
  const embedded = await startEmbeddedCuecard('golden-cards', {
    ...GOLDEN_ENV,
    CUECARD_ANALYZER_TIMEOUT_MS: '30000',
  });
  const scores: CardScore[] = [];
  try {
    for (const golden of goldens) {
      const run = await playGolden(embedded.cuecard, embedded.wsUrl, golden);
      if (values.dump) {
        mkdirSync(values.dump, { recursive: true });
        writeFileSync(path.join(values.dump, `${golden.id}.md`), describeRun(golden, run));
      }
      const score = scoreCards(golden, shownCards(run));
      scores.push(score);
      const cards = score.shown.map((c) => `${c.articleId}@${c.seq}`).join(', ') || '-';
      const quiet = score.noCardViolations.length
        ? ` | card on quiet turn ${score.noCardViolations.join(',')}`
        : '';
      console.log(
        `${golden.id}: ${score.correct}/${score.shown.length} right, ${score.found}/${score.expected} expected found${quiet}${score.overMax ? ' | over maxCards' : ''} | ${cards}`,
      );
    }
  } finally {
    await embedded.close();
  }
  const byLanguage = Object.fromEntries(
    [...new Set(scores.map((s) => s.language))].map((language) => [
      language,
      summarize(scores.filter((s) => s.language === language)),
    ]),
  );
  const line = {
    run: 'golden-cards',
    at: new Date().toISOString(),
    commit: `${execSync('git rev-parse --short HEAD').toString().trim()}${
      execSync('git status --porcelain --untracked-files=no').toString().trim() ? '-dirty' : ''
    }`,
    all: summarize(scores),
    byLanguage,
  };
  console.log(JSON.stringify(line));
  if (!values['no-record'])
    appendFileSync(new URL('results.jsonl', import.meta.url), `${JSON.stringify(line)}\n`);
}

await main();
