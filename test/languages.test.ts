import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallScript } from '../src/cli/replay/call-script.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import type { CuecardEvent } from '../src/conversations/events.js';
import type { AnalyzerName, AnalyzerResults, FinalizerName } from '../src/pipeline/contract.js';
import { applyEvents, deriveView } from '../web/src/live/conversation-state.js';
import { notAvailableIn } from '../web/src/format.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Issue 18, item 4: the languages rule through the service as `npm start` assembles it. Calls
 * written for this test; each is replayed over the ingest socket and read back from the event
 * log and the QA review API, as the consoles read them.
 */

const voice = (id: string, turns: CallScript['turns']): CallScript => ({
  id,
  channel: 'voice',
  turns,
});

/** A double charge in Japanese: no stage here reads Japanese except language and search. */
const japaneseCall = voice('ja-double-charge', [
  { speaker: 'agent', text: 'お電話ありがとうございます。本日はどのようなご用件でしょうか。' },
  { speaker: 'customer', text: '今月の料金が二重に請求されています。本当に困っています。' },
  { speaker: 'agent', text: '大変申し訳ございません。すぐに確認いたします。' },
  { speaker: 'customer', text: '返金してください。対応してくれないなら解約します。' },
  {
    speaker: 'agent',
    text: '確認できました。重複分を返金いたします。三日から五日でお戻りします。',
  },
  { speaker: 'customer', text: 'はい' },
  { speaker: 'agent', text: 'お電話ありがとうございました。失礼いたします。' },
]);

/** A customer who switches between Chinese and English; the agent follows. */
const mixedCall = voice('en-zh-mixed', [
  { speaker: 'agent', text: '您好，这里是星联宽带客服，请问有什么可以帮您？' },
  { speaker: 'customer', text: 'Hi, I was charged twice for my internet bill this month.' },
  { speaker: 'agent', text: '非常抱歉给您带来不便，我帮您核实一下。' },
  { speaker: 'customer', text: '同一笔钱扣了两次，太气人了！我要求退款。' },
  { speaker: 'agent', text: 'I can see the duplicate charge. I have issued a refund for it.' },
  { speaker: 'customer', text: 'ok' },
  { speaker: 'customer', text: 'Thank you, that is all I needed today.' },
]);

/** The Mandarin billing call of issue 18, in simplified script… */
const simplifiedCall = voice('zh-hans-billing', [
  { speaker: 'agent', text: '您好，这里是星联宽带客服，请问有什么可以帮您？' },
  { speaker: 'customer', text: '您好，我的账单被重复扣款了，我要退款。' },
  { speaker: 'customer', text: '我这个月被扣了两次月费，同一笔钱扣了两次，太气人了！' },
  { speaker: 'agent', text: '非常抱歉给您带来不便，我帮您核实一下。' },
  { speaker: 'customer', text: '你们再不处理，我就取消服务，换别家了。' },
  { speaker: 'agent', text: '我查到了，您本月的月费确实被重复扣了一次，真的很抱歉。' },
  {
    speaker: 'agent',
    text: '我已经为您提交了退款申请，重复扣的199元会在3到5个工作日内退回到您的账户。',
  },
  { speaker: 'customer', text: '好的，谢谢。' },
  { speaker: 'agent', text: '感谢您的来电，祝您生活愉快，再见！' },
]);

/** …and character for character in traditional script (same words, as a Taiwan caller writes). */
const traditionalCall = voice('zh-hant-billing', [
  { speaker: 'agent', text: '您好，這裡是星聯寬帶客服，請問有什麼可以幫您？' },
  { speaker: 'customer', text: '您好，我的帳單被重複扣款了，我要退款。' },
  { speaker: 'customer', text: '我這個月被扣了兩次月費，同一筆錢扣了兩次，太氣人了！' },
  { speaker: 'agent', text: '非常抱歉給您帶來不便，我幫您核實一下。' },
  { speaker: 'customer', text: '你們再不處理，我就取消服務，換別家了。' },
  { speaker: 'agent', text: '我查到了，您本月的月費確實被重複扣了一次，真的很抱歉。' },
  {
    speaker: 'agent',
    text: '我已經為您提交了退款申請，重複扣的199元會在3到5個工作日內退回到您的帳戶。',
  },
  { speaker: 'customer', text: '好的，謝謝。' },
  { speaker: 'agent', text: '感謝您的來電，祝您生活愉快，再見！' },
]);

type Analysis = Extract<CuecardEvent, { type: 'analysis' }>;

interface Played {
  conversationId: string;
  events: CuecardEvent[];
  /** The QA review of the conversation: its stored wrap-up and sentiment timeline. */
  review: {
    wrapup: Record<string, Record<string, unknown>>;
    sentimentTimeline: { seq: number; label: string }[];
  };
}

const notice = (language: string) => ({
  unsupported_language: expect.objectContaining({ language }),
});

describe('the languages rule through the default pipeline', () => {
  let server: TestServer;
  const played = new Map<string, Played>();

  beforeAll(async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '5000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    for (const call of [japaneseCall, mixedCall, simplifiedCall, traditionalCall]) {
      await replayCall(connector, call, {
        conversationId: call.id,
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      });
    }
    connector.close();
    await server.services.pipeline.drain();
    for (const call of [japaneseCall, mixedCall, simplifiedCall, traditionalCall]) {
      const { id } = (await server.services.conversations.findByExternalId('acme', call.id))!;
      const events = await server.services.eventLog.since(
        { tenantId: 'acme', conversationId: id },
        0,
      );
      const review = (
        await server.call('GET', `/api/qa/conversations/${id}`, server.keys.supervisor)
      ).json();
      played.set(call.id, { conversationId: id, events, review });
    }
  }, 240_000);
  afterAll(async () => server?.close());

  const analyses = (call: CallScript, analyzer: AnalyzerName): Analysis[] =>
    played
      .get(call.id)!
      .events.filter(
        (event): event is Analysis => event.type === 'analysis' && event.analyzer === analyzer,
      );
  const resultsOf = <N extends AnalyzerName>(call: CallScript, analyzer: N) =>
    analyses(call, analyzer).map((event) => event.result as AnalyzerResults[N]);
  const wrapup = (call: CallScript, step: FinalizerName) =>
    played.get(call.id)!.review.wrapup[step];

  it('says once per analyzer that a Japanese call is not supported, and shows nothing shaped for English', () => {
    for (const analyzer of [
      'sentiment',
      'intent',
      'alerts',
      'playbook',
      'customer-health',
    ] as const)
      expect(
        analyses(japaneseCall, analyzer).map((event) => event.result),
        analyzer,
      ).toEqual([notice('ja')]);
    expect(resultsOf(japaneseCall, 'language').map((result) => result.analysisLanguage)).toEqual(
      Array(japaneseCall.turns.length).fill('ja'),
    );
    const { events, review } = played.get(japaneseCall.id)!;
    // No alert (not even a missing English recording notice), no reply, no next step.
    expect(events.filter((event) => event.type === 'alert')).toEqual([]);
    expect(events.filter((event) => event.type === 'suggestion')).toEqual([]);
    expect(review.sentimentTimeline).toEqual([]);
    for (const step of [
      'summary',
      'disposition',
      'follow-ups',
      'churn',
      'qa',
      'disclosures',
    ] as const)
      expect(wrapup(japaneseCall, step), step).toEqual(notice('ja'));
  });

  it('shows "Not available in Japanese" in the consoles where the results would be', () => {
    const { conversationId, events } = played.get(japaneseCall.id)!;
    const view = deriveView(applyEvents({}, events)[conversationId]!);
    expect(view.unavailable).toMatchObject({ sentiment: 'ja', intent: 'ja' });
    expect(view.intent).toBeNull();
    expect(view.trend).toBeNull();
    expect(view.wrapupUnavailable).toMatchObject({ summary: 'ja', qa: 'ja', churn: 'ja' });
    expect(view.wrapup.summary).toBeUndefined();
    expect(notAvailableIn(view.unavailable.sentiment!)).toBe('Not available in Japanese');
    // In the mixed call every analyzer's latest word is a result.
    const mixed = played.get(mixedCall.id)!;
    const mixedView = deriveView(applyEvents({}, mixed.events)[mixed.conversationId]!);
    expect(mixedView.unavailable).toEqual({});
  });

  it('analyses a mixed English and Chinese call turn by turn', () => {
    expect(resultsOf(mixedCall, 'language').map((result) => result.analysisLanguage)).toEqual([
      'zh',
      'en',
      'zh',
      'zh',
      'en',
      // "ok" says too little: it follows the conversation, English by now (the longer turns).
      'en',
      'en',
    ]);
    // Sentiment reads both languages: a result on every turn, the angry Chinese one negative.
    const sentiment = resultsOf(mixedCall, 'sentiment');
    expect(sentiment.every((result) => 'label' in result)).toBe(true);
    expect(sentiment.map((result) => ('label' in result ? result.label : null))[3]).toBe(
      'negative',
    );
    // Customer health reads both languages: it answers every customer turn, English or Chinese,
    // and never posts a notice.
    const health = analyses(mixedCall, 'customer-health');
    expect(health.length).toBeGreaterThanOrEqual(3);
    expect(health.every((event) => !('unsupported_language' in event.result))).toBe(true);
    for (const step of ['summary', 'disposition', 'qa', 'churn'] as const)
      expect(wrapup(mixedCall, step), step).not.toHaveProperty('unsupported_language');
  });

  it('gives a traditional-script call what its simplified twin gets', () => {
    const key = (call: CallScript) => {
      const intents = resultsOf(call, 'intent').map((result) =>
        'intent' in result ? [result.intent, result.confidence] : null,
      );
      const { events } = played.get(call.id)!;
      const summary = wrapup(call, 'summary')!;
      const disposition = wrapup(call, 'disposition')!;
      const qa = wrapup(call, 'qa')!;
      const churn = wrapup(call, 'churn')!;
      const followUps = wrapup(call, 'follow-ups') as { tasks: { kind: string }[] };
      return {
        languages: resultsOf(call, 'language').map((result) => result.analysisLanguage),
        sentiment: played.get(call.id)!.review.sentimentTimeline.map((point) => point.label),
        intents,
        alerts: events.flatMap((event) => (event.type === 'alert' ? [event.alert.kind] : [])),
        outcome: summary.outcome,
        disposition: [disposition.suggested, disposition.confidence],
        narrative: summary.narrative,
        criteria: (qa.criteria as { criterionId: string; score: number | null }[]).map(
          (criterion) => [criterion.criterionId, criterion.score],
        ),
        followUps: followUps.tasks.map((task) => task.kind),
        qa: qa.overall,
        churn: churn.risk,
      };
    };
    const simplified = key(simplifiedCall);
    expect(simplified.languages.every((language) => language === 'zh')).toBe(true);
    expect(simplified.followUps).toEqual(['refund']);
    expect(key(traditionalCall)).toEqual(simplified);
  });
});
