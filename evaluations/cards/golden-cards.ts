// Card precision and recall on the golden conversations (issue 19, item 4), through the service
// as `npm start` assembles it: each golden is played over the real sockets (test/golden/
// play-golden.ts) and the article cards the agent received are scored against its `expect`.
// Usage: npx tsx evaluations/cards/golden-cards.ts [--dump DIR] [--no-record]
//
// - precision: shown cards whose article is one the golden expects (any accepted id of any of
//   its expected cards), on a turn that is not a no-card turn, over all cards shown. A card that
//   replaced another of its topic (`replacesSuggestionId`) counts as shown: the agent saw both in turn.
// - newCards: cards that took a new place in the list (not replacements): one per topic.
// - standingPrecision: the same test over the cards still on screen when the call ends (each
//   replaced card swapped for its replacement): what the agent is left looking at.
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
  suggestionId: string;
  replaces?: string | undefined;
}

interface CardScore {
  id: string;
  language: string;
  shown: ShownCard[];
  correct: number;
  newCards: number;
  standing: ShownCard[];
  standingCorrect: number;
  expected: number;
  found: number;
  noCardViolations: number[];
  overMax: boolean;
}

function shownCards(run: GoldenRun): ShownCard[] {
  return run.events.flatMap((event) =>
    event.type === 'suggestion' && event.suggestion.kind === 'article' && event.seq !== null
      ? [
          {
            seq: event.seq,
            articleId: event.suggestion.articleId,
            suggestionId: event.suggestion.suggestionId,
            replaces: event.suggestion.replacesSuggestionId,
          },
        ]
      : [],
  );
}

/** The cards on screen at the end: each replacement in the place of the card it replaced. */
function standingCards(shown: readonly ShownCard[]): ShownCard[] {
  return shown.reduce<ShownCard[]>((list, card) => {
    const at = list.findIndex((other) => other.suggestionId === card.replaces);
    return at === -1 ? [...list, card] : list.map((other, i) => (i === at ? card : other));
  }, []);
}

export function scoreCards(golden: GoldenConversation, shown: ShownCard[]): CardScore {
  const { cards, noCardTurns, maxCards } = golden.expect;
  const wanted = new Set(cards.flatMap((card) => card.article));
  const quiet = new Set(noCardTurns);
  const right = (card: ShownCard) => wanted.has(card.articleId) && !quiet.has(card.seq);
  const standing = standingCards(shown);
  return {
    id: golden.id,
    language: golden.language,
    shown,
    correct: shown.filter(right).length,
    newCards: shown.filter((card) => !card.replaces).length,
    standing,
    standingCorrect: standing.filter(right).length,
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
  const standing = sum((s) => s.standing.length);
  return {
    goldens: scores.length,
    shown,
    correct: sum((s) => s.correct),
    newCards: sum((s) => s.newCards),
    standing,
    standingCorrect: sum((s) => s.standingCorrect),
    standingPrecision: ratio(
      sum((s) => s.standingCorrect),
      standing,
    ),
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
      const cards =
        score.shown.map((c) => `${c.replaces ? '↻ ' : ''}${c.articleId}@${c.seq}`).join(', ') ||
        '-';
      const quiet = score.noCardViolations.length
        ? ` | card on quiet turn ${score.noCardViolations.join(',')}`
        : '';
      console.log(
        `${golden.id}: ${score.correct}/${score.shown.length} right (${score.standingCorrect}/${score.standing.length} standing), ${score.found}/${score.expected} expected found${quiet}${score.overMax ? ' | over maxCards' : ''} | ${cards}`,
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
