import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import { ingestPath } from '../ingest.js';
import type { ConversationItem, ConversationRecord, Speaker } from '../../conversations/types.js';
import type { AnalyzerOutput } from '../../pipeline/analyzer.js';
import type { IntentAnalysis } from '../../understanding/intent/intent-analyzer.js';
import { createArticleCardsAnalyzer } from './article-cards-analyzer.js';

/**
 * Mandarin calls over the bundled knowledge base (issue 18): the cards an agent sees when the
 * customer's Chinese words differ from the articles', and the intent classifier reads a turn
 * with its English taxonomy. The intent of each turn is given as the classifier read it on the
 * golden calls (test/golden/conversations/zh-*.json).
 */
const bundled = path.resolve(import.meta.dirname, '../../../knowledge/articles');
let db: Database;

const conversation: ConversationRecord = {
  id: 'c-zh',
  tenantId: 'zh',
  externalId: 'x-zh',
  channel: 'voice',
  agentId: 'a1',
  customerId: null,
  customerAttributes: {},
  language: 'zh',
  status: 'active',
  lastSeq: 0,
  metadata: {},
  startedAt: new Date().toISOString(),
  endedAt: null,
};

const reading = (
  intent: string | null,
  confidence: number,
  conversationIntent?: { intent: string; confidence: number },
): IntentAnalysis => ({
  intent,
  confidence,
  ranked: [],
  conversation: conversationIntent ? { ...conversationIntent, turns: 1 } : null,
  taxonomyVersion: null,
  source: 'offline',
});

/** Plays a call through the analyzer as the pipeline does, carrying its state along. */
function createCall() {
  const analyzer = createArticleCardsAnalyzer({
    db,
    embedder: null,
    splitter: createJiebaWordSplitter(),
  });
  const transcript: ConversationItem[] = [];
  let state: unknown;
  return async (
    speaker: Speaker,
    text: string,
    intent?: IntentAnalysis,
  ): Promise<{ articleId: string; replaces?: string | undefined }[]> => {
    const item: ConversationItem = {
      kind: 'utterance',
      conversationId: conversation.id,
      seq: transcript.length + 1,
      speaker,
      text,
      startMs: null,
      endMs: null,
      language: 'zh',
      createdAt: new Date().toISOString(),
    };
    transcript.push(item);
    const output: AnalyzerOutput<'article-cards'> | null = await analyzer.analyze({
      tenantId: 'zh',
      conversation,
      item,
      transcript: [...transcript],
      previous: intent ? { intent } : {},
      state,
      signal: new AbortController().signal,
    });
    if (output?.state !== undefined) state = output.state;
    return (output?.events ?? []).flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'article'
        ? [
            {
              articleId: event.suggestion.articleId,
              replaces: event.suggestion.replacesSuggestionId,
            },
          ]
        : [],
    );
  };
}

beforeAll(async () => {
  db = await openDatabase({});
  await migrate(db);
  await db.query(`INSERT INTO tenants (id, name) VALUES ('zh', 'Bilingual')`);
  await ingestPath({ db, embedder: null, splitter: createJiebaWordSplitter() }, 'zh', bundled);
});
afterAll(async () => db.close());

describe('Mandarin article cards', () => {
  it('shows the cancellation card for a need stated after a greeting the classifier calls small talk', async () => {
    const say = createCall();
    await say('agent', '您好，这里是明讯客服，请问有什么可以帮您？');
    // The classifier's few Chinese out-of-scope examples are greetings: 你好 pulls it to "none".
    expect(
      await say(
        'customer',
        '你好，我想把家里的宽带取消掉，每个月一百二十九块太贵了。',
        reading(null, 0.88),
      ),
    ).toEqual([{ articleId: 'zh-cancellation-retention', replaces: undefined }]);
    // A real closing is still small talk.
    expect(await say('customer', '好，谢谢，再见。', reading(null, 0.99))).toEqual([]);
  });

  it('shows the dispute card for "charged twice", and no cancellation card for a threat to cancel', async () => {
    const say = createCall();
    await say('agent', '您好，这里是明讯客服，请问有什么可以帮您？');
    const dispute = reading('billing_dispute', 0.8, { intent: 'billing_dispute', confidence: 0.8 });
    expect(
      await say(
        'customer',
        '你好，我这个月的宽带费被扣了两次，每次都是八十九块，太气人了！',
        dispute,
      ),
    ).toEqual([{ articleId: 'zh-billing-dispute', replaces: undefined }]);
    await say('agent', '我看到十一月五号确实有两笔八十九元的扣款，第二笔是重复扣费。');
    // "If this happens again I'll cancel": the call is still a billing dispute.
    const threat = reading('cancel_subscription', 0.41, {
      intent: 'billing_dispute',
      confidence: 0.75,
    });
    expect(await say('customer', '这已经是第二次了，再这样我就取消服务，换别家。', threat)).toEqual(
      [],
    );
  });

  it('answers an English word of a Mandarin chat with the Chinese article', async () => {
    const say = createCall();
    const roaming = reading('roaming_travel', 0.92, { intent: 'roaming_travel', confidence: 0.9 });
    expect(
      await say(
        'customer',
        'OK 收到了。另外我 next week 要去日本出差，roaming 要怎么开？流量怎么收费？',
        roaming,
      ),
    ).toEqual([{ articleId: 'zh-roaming', replaces: undefined }]);
  });
});
