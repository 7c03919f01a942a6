import type { ConversationItem, UtteranceItem } from '../../conversations/types.js';
import { contentTokens } from '../text/text.js';
import { sentimentScore } from '../text/sentiment.js';
import type { QaCheck, Scorecard } from './scorecard.js';

export interface CriterionScore {
  criterionId: string;
  /** 1 met, 0 missed, null not applicable (e.g. no account change, customer never upset). */
  score: 0 | 1 | null;
  /** Sequence numbers of the turns or actions that justify the score. */
  evidence: number[];
  note: string;
}

export interface QaResult {
  scorecardId: string;
  scorecardVersion: number;
  /** Weighted share of applicable criteria met, in [0, 1]; null when none applied. */
  overall: number | null;
  criteria: CriterionScore[];
}

export interface QaContext {
  transcript: readonly ConversationItem[];
  /** Wrap-up code the agent chose, and the one the classifier suggested with its confidence. */
  disposition?: { chosen: string | null; suggested: string | null; confidence: number } | undefined;
  /** Texts of knowledge articles shown to the agent during the conversation. */
  articles?: readonly string[] | undefined;
}

const greetingPattern =
  /\b(hello|hi|hey|good (?:morning|afternoon|evening)|welcome|thank(?:s| you) for (?:calling|contacting|reaching out))\b/i;
const offerHelpPattern = /\b(how (?:can|may) i help|what can i do for you|how can i assist)\b/i;
const verifyPattern =
  /\b(verif\w*|confirm (?:your|the) (?:identity|name|date of birth|address|zip|postcode|pin|security)|security question|date of birth|last four|zip code|postcode|pin)\b/i;
const changeActionPattern =
  /\b(update|change|reset|cancel|refund|credit|modify|close|upgrade|downgrade|remove|add)\w*/i;
const verifyActionPattern = /verif|authenticat|identity/i;
const empathyPattern =
  /\b(sorry|apologi[sz]e|understand (?:how|your|that)|i understand|frustrat\w*|that must be|i can imagine|i hear you|appreciate your patience)\b/i;
const resolutionPattern =
  /\b(is there anything else|does that (?:help|solve|fix|answer)|have i (?:resolved|answered)|is (?:that|everything) (?:ok|okay|resolved|working|clear)|did that (?:help|work)|resolved (?:your|the) (?:issue|problem)|next steps?|you will (?:receive|get|see))\b/i;
const closingPattern =
  /\b(anything else|have a (?:great|nice|good|wonderful) (?:day|evening|night|weekend)|thank(?:s| you) for (?:calling|contacting|your patience|being)|take care|goodbye|bye)\b/i;

function utterances(
  transcript: readonly ConversationItem[],
  speaker: UtteranceItem['speaker'],
): UtteranceItem[] {
  return transcript.filter(
    (item): item is UtteranceItem => item.kind === 'utterance' && item.speaker === speaker,
  );
}

function score(
  criterionId: string,
  value: 0 | 1 | null,
  evidence: number[],
  note: string,
): CriterionScore {
  return { criterionId, score: value, evidence, note };
}

function runCheck(criterionId: string, check: QaCheck, context: QaContext): CriterionScore {
  const agent = utterances(context.transcript, 'agent');
  const customer = utterances(context.transcript, 'customer');
  switch (check) {
    case 'greeting': {
      const opening = agent
        .slice(0, 2)
        .filter((turn) => greetingPattern.test(turn.text) || offerHelpPattern.test(turn.text));
      return opening.length > 0
        ? score(
            criterionId,
            1,
            opening.map((t) => t.seq),
            'agent greeted the customer',
          )
        : score(
            criterionId,
            0,
            agent.slice(0, 1).map((t) => t.seq),
            'no greeting in the agent’s first turns',
          );
    }
    case 'identity_before_change': {
      const changes = context.transcript.filter(
        (item) =>
          (item.kind === 'action' &&
            changeActionPattern.test(item.action) &&
            !verifyActionPattern.test(item.action)) ||
          (item.kind === 'utterance' &&
            item.speaker === 'agent' &&
            /\b(i(?:'ve| have)|we(?:'ve| have))\s+(?:now\s+)?(updated|changed|reset|cancel\w*|refunded|credited|closed|upgraded|downgraded)\b/i.test(
              item.text,
            )),
      );
      if (changes.length === 0) return score(criterionId, null, [], 'no account change');
      const firstChange = changes[0]!.seq;
      const verification = context.transcript.filter(
        (item) =>
          item.seq < firstChange &&
          ((item.kind === 'action' && verifyActionPattern.test(item.action)) ||
            (item.kind === 'utterance' &&
              item.speaker === 'agent' &&
              verifyPattern.test(item.text))),
      );
      return verification.length > 0
        ? score(
            criterionId,
            1,
            [...verification.map((v) => v.seq), firstChange],
            'identity checked before the first change',
          )
        : score(criterionId, 0, [firstChange], 'account changed without a prior identity check');
    }
    case 'empathy_when_upset': {
      const upset = customer.filter((turn) => sentimentScore(turn.text) <= -0.4);
      if (upset.length === 0) return score(criterionId, null, [], 'customer was not upset');
      const first = upset[0]!;
      // The acknowledgement must come soon after the customer showed it: within the next two agent turns.
      const replies = agent.filter((turn) => turn.seq > first.seq).slice(0, 2);
      const empathic = replies.filter((turn) => empathyPattern.test(turn.text));
      return empathic.length > 0
        ? score(
            criterionId,
            1,
            [first.seq, ...empathic.map((t) => t.seq)],
            'agent acknowledged the customer’s feelings',
          )
        : score(
            criterionId,
            0,
            [first.seq, ...replies.map((t) => t.seq)],
            'no acknowledgement after the customer got upset',
          );
    }
    case 'kb_accuracy': {
      const articles = context.articles ?? [];
      if (articles.length === 0)
        return score(criterionId, null, [], 'no knowledge articles were shown');
      const vocabulary = new Set(articles.flatMap((article) => contentTokens(article)));
      // Agent statements with numbers (fees, days, amounts) are the ones that can be wrong.
      const factual = agent.filter((turn) => /\d/.test(turn.text));
      if (factual.length === 0) return score(criterionId, null, [], 'agent stated no figures');
      const unsupported = factual.filter(
        (turn) =>
          (turn.text.match(/\d+(?:[.,]\d+)?/g) ?? []).some(
            (number) => !articles.some((article) => article.includes(number)),
          ) && contentTokens(turn.text).filter((t) => vocabulary.has(t)).length >= 2,
      );
      return unsupported.length === 0
        ? score(
            criterionId,
            1,
            factual.map((t) => t.seq),
            'figures stated match the articles',
          )
        : score(
            criterionId,
            0,
            unsupported.map((t) => t.seq),
            'figures stated are not in the articles shown',
          );
    }
    case 'correct_disposition': {
      const disposition = context.disposition;
      if (!disposition?.chosen || !disposition.suggested)
        return score(criterionId, null, [], 'no disposition to compare');
      if (disposition.chosen === disposition.suggested)
        return score(criterionId, 1, [], 'chosen code matches the suggested one');
      // Only a confident disagreement counts as a miss; otherwise the agent's choice stands.
      return disposition.confidence >= 0.7
        ? score(
            criterionId,
            0,
            [],
            `chosen "${disposition.chosen}" but the conversation suggests "${disposition.suggested}"`,
          )
        : score(criterionId, 1, [], 'chosen code is plausible');
    }
    case 'resolution_confirmed': {
      const tail = agent.slice(-4).filter((turn) => resolutionPattern.test(turn.text));
      return tail.length > 0
        ? score(
            criterionId,
            1,
            tail.map((t) => t.seq),
            'agent confirmed resolution or next steps',
          )
        : score(
            criterionId,
            0,
            agent.slice(-1).map((t) => t.seq),
            'no confirmation of resolution at the end',
          );
    }
    case 'closing': {
      const tail = agent.slice(-3).filter((turn) => closingPattern.test(turn.text));
      return tail.length > 0
        ? score(
            criterionId,
            1,
            tail.map((t) => t.seq),
            'agent closed the conversation politely',
          )
        : score(
            criterionId,
            0,
            agent.slice(-1).map((t) => t.seq),
            'no closing',
          );
    }
  }
}

/** Scores a finished conversation against a scorecard, with evidence for every criterion. */
export function scoreConversation(scorecard: Scorecard, context: QaContext): QaResult {
  const criteria = scorecard.criteria.map((criterion) =>
    runCheck(criterion.id, criterion.check, context),
  );
  let weighted = 0;
  let total = 0;
  scorecard.criteria.forEach((criterion, i) => {
    const value = criteria[i]!.score;
    if (value === null) return;
    weighted += criterion.weight * value;
    total += criterion.weight;
  });
  return {
    scorecardId: scorecard.id,
    scorecardVersion: scorecard.version,
    overall: total === 0 ? null : weighted / total,
    criteria,
  };
}

/** Running CSAT estimate, updated per customer turn. */
export interface CsatState {
  /** Exponentially weighted customer sentiment. */
  sentiment: number;
  turns: number;
  /** 1..5. */
  estimate: number;
}

const thanksPattern = /\b(thank(?:s| you)|great|perfect|awesome|that (?:helps|worked|fixed))\b/i;

/**
 * Real-time CSAT proxy: customer sentiment weighted toward recent turns (how a call ends
 * dominates how it is rated), plus a lift for explicit thanks or a fix. Maps to 1..5.
 */
export function updateCsat(state: CsatState | undefined, item: ConversationItem): CsatState {
  const current = state ?? { sentiment: 0, turns: 0, estimate: 3 };
  if (item.kind !== 'utterance' || item.speaker !== 'customer') return current;
  const value = Math.max(
    -1,
    Math.min(1, sentimentScore(item.text) + (thanksPattern.test(item.text) ? 0.3 : 0)),
  );
  const alpha = current.turns === 0 ? 1 : 0.4;
  const sentiment = alpha * value + (1 - alpha) * current.sentiment;
  return {
    sentiment,
    turns: current.turns + 1,
    estimate: Math.round((3 + 2 * sentiment) * 10) / 10,
  };
}
