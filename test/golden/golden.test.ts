import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cuecard } from '../../src/app/compose-cuecard.js';
import type { Suggestion } from '../../src/conversations/events.js';
import { startEmbeddedCuecard, type EmbeddedCuecard } from '../support/embedded-cuecard.js';
import {
  GOLDEN_ENV,
  loadGoldenConversations,
  type GoldenConversation,
} from './golden-conversation.js';
import { playGolden, type GoldenRun } from './play-golden.js';
import { describeRun } from './describe-run.js';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The product's acceptance tests: whole calls and chats we wrote, played through the service as
 * `npm start` assembles it, over real sockets, read back as the agent's console derives them.
 * Each expectation is what a supervisor would accept; see golden-conversation.ts for the format.
 */
const goldens = await loadGoldenConversations();

type ArticleCard = Extract<Suggestion, { kind: 'article' }>;

function cardsOf(run: GoldenRun): Array<{ seq: number; card: ArticleCard }> {
  return run.events.flatMap((event) =>
    event.type === 'suggestion' && event.suggestion.kind === 'article' && event.seq !== null
      ? [{ seq: event.seq, card: event.suggestion }]
      : [],
  );
}

function repliesOf(run: GoldenRun) {
  return run.events.flatMap((event) =>
    event.type === 'suggestion' && event.suggestion.kind === 'reply' && event.seq !== null
      ? [{ seq: event.seq, reply: event.suggestion }]
      : [],
  );
}

const turnLabel = (golden: GoldenConversation, seq: number) => {
  const turn = golden.turns[seq - 1];
  return turn && 'text' in turn ? `turn ${seq} (${turn.speaker}: "${turn.text}")` : `turn ${seq}`;
};

let embedded: EmbeddedCuecard;
let cuecard: Cuecard;
beforeAll(async () => {
  embedded = await startEmbeddedCuecard('golden', GOLDEN_ENV);
  cuecard = embedded.cuecard;
}, 300_000);
afterAll(async () => embedded?.close());

describe.each(goldens.map((golden) => [golden.id, golden] as const))('%s', (_id, golden) => {
  const expected = golden.expect;
  let run: GoldenRun;
  beforeAll(async () => {
    run = await playGolden(cuecard, embedded.wsUrl, golden);
    const dumpDir = process.env.CUECARD_GOLDEN_DUMP;
    if (dumpDir) {
      await mkdir(dumpDir, { recursive: true });
      await writeFile(path.join(dumpDir, `${golden.id}.md`), describeRun(golden, run));
    }
    // A call plays in real time (turn gaps) through every analyzer: minutes on a busy 2-core box.
  }, 300_000);

  const gap = (area: GoldenConversation['expect']['knownGaps'][number]) =>
    expected.knownGaps.includes(area) ? it.fails : it;

  gap('cards')(
    'shows the right article among the first three cards by the turn its topic is stated, and no card for small talk',
    () => {
      const cards = cardsOf(run);
      const firstThree = cards.slice(0, 3);
      for (const { article, byTurn } of expected.cards) {
        const shown = cards.find((entry) => article.includes(entry.card.articleId));
        expect(
          shown,
          `card ${article}; shown: ${cards.map((c) => `${c.card.articleId}@${c.seq}`).join(', ')}`,
        ).toBeDefined();
        expect(shown!.seq, `card ${article} came too late`).toBeLessThanOrEqual(byTurn);
        if (expected.cards.length === 1)
          expect(firstThree.some((c) => article.includes(c.card.articleId))).toBe(true);
      }
      for (const seq of expected.noCardTurns) {
        const card = cards.find((entry) => entry.seq === seq);
        expect(
          card,
          `no card at ${turnLabel(golden, seq)}, got ${card?.card.articleId}`,
        ).toBeUndefined();
      }
      if (expected.maxCards !== undefined)
        expect(cards.length).toBeLessThanOrEqual(expected.maxCards);
      for (const { card } of cards)
        expect(card.passage, 'card passages are plain text').not.toMatch(/\*\*|^#+ /m);
    },
  );

  gap('replies')('grounds a suggested reply in the article and cites it when one applies', () => {
    const cite = expected.replyCites;
    const replies = repliesOf(run);
    if (cite) {
      const grounded = replies.find(
        ({ seq, reply }) =>
          seq <= cite.byTurn && reply.citations.some((c) => cite.article.includes(c.articleId)),
      );
      expect(
        grounded,
        `replies: ${JSON.stringify(replies.map((r) => [r.seq, r.reply.citations.map((c) => c.articleId)]))}`,
      ).toBeDefined();
      expect(grounded!.reply.text.length).toBeGreaterThan(20);
    }
    for (const { reply } of replies) {
      for (const citation of reply.citations) expect(citation.passage ?? '').not.toMatch(/\*\*/);
    }
  });

  it('keeps next steps consistent with what the agent already did, and leaves no reply standing once the agent has answered', () => {
    for (const [index, view] of run.views.entries()) {
      const seq = index + 1;
      const step = view.nextStep;
      if (step && view.playbook) {
        const line = view.playbook.steps.find((entry) => entry.id === step.stepId);
        expect(
          line?.status ?? 'remaining',
          `next step "${step.title}" shown after ${turnLabel(golden, seq)}`,
        ).toBe('remaining');
        expect(view.playbook.complete).toBe(false);
      }
      const turn = golden.turns[index]!;
      if ('speaker' in turn && turn.speaker === 'agent')
        expect(
          view.replies.map((r) => r.text),
          `reply still shown after the agent answered at ${turnLabel(golden, seq)}`,
        ).toEqual([]);
    }
  });

  gap('alerts')('raises the alerts expected and no others', () => {
    const raised = run.final.alerts.map((alert) => alert.kind);
    const titles = JSON.stringify(run.final.alerts.map((a) => `${a.kind}: ${a.title}`));
    const unexpected = [...raised];
    for (const kind of expected.alerts) {
      const at = unexpected.indexOf(kind);
      expect(at, `missing ${kind} alert; raised ${titles}`).toBeGreaterThanOrEqual(0);
      unexpected.splice(at, 1);
    }
    const allowed = [...expected.alertsMayAlso];
    for (const kind of unexpected) {
      const at = allowed.indexOf(kind);
      expect(at, `unexpected ${kind} alert; raised ${titles}`).toBeGreaterThanOrEqual(0);
      allowed.splice(at, 1);
    }
  });

  it('keeps personal data out of every event', () => {
    const text = JSON.stringify(run.events);
    for (const raw of expected.redacted) expect(text).not.toContain(raw);
  });

  gap('intent')('names the conversation intent as a supervisor would', () => {
    if (expected.intentOneOf) expect(expected.intentOneOf).toContain(run.final.intent);
    // null: a chat with two topics, no single intent is asserted.
    else if (expected.intent) expect(run.final.intent).toBe(expected.intent);
  });

  it('is not broken: no analyzer or finalizer failed', () => {
    expect(run.final.errors).toEqual([]);
    const stored = run.events.filter((event) => event.id !== null);
    expect(new Set(stored.map((event) => event.id)).size).toBe(stored.length);
  });

  (expected.wrapup ? gap('wrapup') : it.skip)(
    'wraps up with a summary, code and scores a supervisor would accept',
    () => {
      const want = expected.wrapup!;
      const { summary, disposition, churn, qa } = run.final.wrapup;
      const followUps = run.final.wrapup['follow-ups'];
      expect(summary, 'summary').toBeDefined();
      expect(summary!.narrative.length).toBeGreaterThan(20);
      // What the wrap-up panel shows: the reason for contact, the narrative, the actions taken.
      const shown = [summary!.reason ?? '', summary!.narrative, ...summary!.actions]
        .join(' ')
        .toLowerCase();
      for (const word of want.summaryIncludes) expect(shown, shown).toContain(word.toLowerCase());
      // A Chinese call's note is Chinese on every line, the connector's actions included.
      if (golden.language === 'zh')
        for (const line of [summary!.reason ?? '', summary!.narrative, ...summary!.actions])
          expect(line, 'a line of the Chinese note').not.toMatch(/[A-Za-z]/);
      expect(want.outcome, `outcome; summary: ${summary!.narrative}`).toContain(summary!.outcome);
      expect(want.disposition, `code; ${JSON.stringify(disposition)}`).toContain(
        disposition?.suggested,
      );
      const tasks = followUps?.tasks.length ?? 0;
      expect(
        tasks,
        JSON.stringify(followUps?.tasks.map((t) => t.draftMessage)),
      ).toBeGreaterThanOrEqual(want.followUps[0]);
      expect(
        tasks,
        JSON.stringify(followUps?.tasks.map((t) => t.draftMessage)),
      ).toBeLessThanOrEqual(want.followUps[1]);
      expect(churn!.risk, JSON.stringify(churn!.reasons)).toBeGreaterThanOrEqual(want.churnRisk[0]);
      expect(churn!.risk, JSON.stringify(churn!.reasons)).toBeLessThanOrEqual(want.churnRisk[1]);
      const overall = qa!.overall ?? 0;
      const missed = qa!.criteria
        .filter((c) => c.score === 0)
        .map((c) => `${c.criterionId}: ${c.note}`);
      expect(overall, JSON.stringify(missed)).toBeGreaterThanOrEqual(want.qaOverall[0]);
      expect(overall).toBeLessThanOrEqual(want.qaOverall[1]);
    },
  );
});
