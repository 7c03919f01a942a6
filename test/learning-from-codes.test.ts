import { describe, expect, it } from 'vitest';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/*
 * Issue 19, item 1: the confirmed wrap-up code is ranking evidence. One conversation of a code
 * was resolved with an article; later conversations confirmed with the same code used other
 * words and no article. A new conversation like those later ones gets the article that resolved
 * the code first, saying so, in English and in Mandarin. Another tenant is untouched.
 */
const articles = [
  {
    title: 'Returning an item for a refund',
    body: 'Customers can return clothes within 30 days for a refund to the original payment method. Print the return label from the order page and drop the parcel at any post office.',
    language: 'en',
  },
  {
    title: 'Swapping a garment for another size',
    body: 'A garment in the wrong size is swapped free of charge: we send the new size first and the customer sends the old one back with the prepaid label in the box.',
    language: 'en',
  },
  {
    title: '退货退款说明',
    body: '衣服收到后三十天内可以退货，退款会原路退回到付款账户。请在订单页面打印退货标签，把包裹寄到任意邮局。',
    language: 'zh',
  },
  {
    title: '更换尺码',
    body: '尺码不合适的衣服可以免费换货：我们先寄出新的尺码，客户再用盒子里的预付标签把旧的寄回来。',
    language: 'zh',
  },
];

interface Case {
  language: 'en' | 'zh';
  returnTitle: string;
  swapTitle: string;
  /** Resolved with the swap article, then confirmed as return_exchange. */
  resolved: string;
  /** Confirmed as return_exchange, no article used: other words than the resolved one. */
  codedOnly: string[];
  newCall: string;
  reason: string;
}

const cases: Case[] = [
  {
    language: 'en',
    returnTitle: 'Returning an item for a refund',
    swapTitle: 'Swapping a garment for another size',
    resolved:
      'Hi, the jeans I ordered last week are too small, could you swap them for a larger size?',
    codedOnly: [
      'Hello, the coat I bought does not fit at all, I want to return it.',
      'Hi, I bought a coat that does not fit me, can I return it?',
    ],
    newCall: 'Hello, the coat I bought does not fit, I want to return it.',
    reason: 'agents used this for a conversation wrapped up as Return exchange',
  },
  {
    language: 'zh',
    returnTitle: '退货退款说明',
    swapTitle: '更换尺码',
    resolved: '上周买的牛仔裤太小了，能帮我换一个大一点的尺码吗？',
    codedOnly: ['这件衣服不合身，我想退货。', '衣服穿着不合身，想退货。'],
    newCall: '你好，这件衣服不合身，我想退货。',
    reason: '坐席曾在1次结案代码为"Return exchange"的通话中用到这篇文章',
  },
];

describe('the confirmed wrap-up code as ranking evidence', () => {
  let server: TestServer;
  useDefaultServer((started) => (server = started));

  async function publish(key: string) {
    for (const article of articles)
      await server.call('POST', '/api/articles', key, { ...article, status: 'published' });
  }

  async function idOf(title: string): Promise<string> {
    const { articles: stored } = (
      await server.call('GET', '/api/articles', server.keys.knowledgeManager)
    ).json<{ articles: { id: string; title: string }[] }>();
    return stored.find((article) => article.title === title)!.id;
  }

  /** One customer turn in a new conversation; its internal id and the article cards, in order. */
  async function converse(connectorKey: string, id: string, text: string, language: string) {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, connectorKey);
    await connector.request(
      { type: 'open', conversationId: id, channel: 'chat', agentId: 'alice', language },
      (m) => m.type === 'opened',
    );
    await connector.request(
      { type: 'utterance', conversationId: id, seq: 1, speaker: 'customer', text, final: true },
      (m) => m.type === 'ack',
    );
    await connector.close();
    return cardsOf(id);
  }

  async function cardsOf(externalId: string) {
    await server.services.pipeline.drain();
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rows } = await server.services.db.query<{
        id: string;
        type: string;
        payload: {
          analyzer?: string;
          suggestion?: { kind: string; articleId: string; reason: string };
        };
      }>(
        `SELECT c.id, e.type, e.payload FROM events e JOIN conversations c ON c.id = e.conversation_id
          WHERE c.external_id = $1 ORDER BY e.id`,
        [externalId],
      );
      if (rows.some((row) => row.type === 'analysis' && row.payload.analyzer === 'article-cards'))
        return {
          conversationId: rows[0]!.id,
          cards: rows.flatMap((row) =>
            row.payload.suggestion?.kind === 'article' ? [row.payload.suggestion] : [],
          ),
        };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no article-cards analysis for ${externalId}`);
  }

  async function confirm(conversationId: string) {
    const confirmed = await server.call(
      'POST',
      `/api/conversations/${conversationId}/disposition`,
      server.keys.agent,
      { code: 'return_exchange' },
    );
    expect(confirmed.statusCode).toBe(200);
  }

  async function search(key: string, text: string, language: string) {
    const response = await server.call(
      'GET',
      `/api/knowledge/search?q=${encodeURIComponent(text)}&language=${language}`,
      key,
    );
    expect(response.statusCode).toBe(200);
    return response.json<{
      results: {
        articleId: string;
        score: number;
        resolvedBefore?: { conversations: number; code?: string };
      }[];
    }>().results;
  }

  it('ranks the article that resolved a code first for conversations like that code, in English and Mandarin', async () => {
    await publish(server.keys.knowledgeManager);
    await publish(server.keys.otherTenantAdmin);
    const globexBefore = await Promise.all(
      cases.map((c) => search(server.keys.otherTenantAdmin, c.newCall, c.language)),
    );

    for (const c of cases) {
      const returnId = await idOf(c.returnTitle);
      const swapId = await idOf(c.swapTitle);
      // Today's ranking: the customer says "return", the returns article leads.
      const before = await converse(
        server.keys.connector,
        `${c.language}-before`,
        c.newCall,
        c.language,
      );
      expect(before.cards[0]?.articleId).toBe(returnId);

      // Agents resolved a size problem with the swap article and confirmed the code.
      const resolved = await converse(
        server.keys.connector,
        `${c.language}-resolved`,
        c.resolved,
        c.language,
      );
      const used = await server.call('POST', '/api/feedback', server.keys.agent, {
        conversationId: resolved.conversationId,
        kind: 'article',
        articleId: swapId,
        verdict: 'used',
      });
      expect(used.statusCode).toBe(200);
      await confirm(resolved.conversationId);
      await server.services.knowledge!.resolutions!.settled();
      // Its words are not the new call's: on its own it does not move the ranking.
      const direct = await search(server.keys.agent, c.newCall, c.language);
      expect(direct[0]?.articleId).toBe(returnId);

      // Later calls with the new call's words got the same code, without any article.
      for (const [index, text] of c.codedOnly.entries()) {
        const coded = await converse(
          server.keys.connector,
          `${c.language}-coded-${index}`,
          text,
          c.language,
        );
        await confirm(coded.conversationId);
      }
      await server.services.knowledge!.resolutions!.settled();

      const after = await converse(
        server.keys.connector,
        `${c.language}-after`,
        c.newCall,
        c.language,
      );
      expect(after.cards[0]).toMatchObject({ articleId: swapId, reason: c.reason });
      // Typed search learns from the same evidence.
      const searched = await search(server.keys.agent, c.newCall, c.language);
      expect(searched[0]?.articleId).toBe(swapId);
      // And says why, in counts and the code, never naming the past conversations.
      expect(searched[0]?.resolvedBefore?.conversations).toBeGreaterThan(0);
      expect(JSON.stringify(searched[0])).not.toContain(resolved.conversationId);
    }

    // Globex has the same articles and no evidence: its ranking is exactly what it was.
    const globexAfter = await Promise.all(
      cases.map((c) => search(server.keys.otherTenantAdmin, c.newCall, c.language)),
    );
    expect(globexAfter).toEqual(globexBefore);
    const other = await converse(
      server.keys.otherTenantConnector,
      'globex-after',
      cases[0]!.newCall,
      'en',
    );
    expect(other.cards[0]?.reason).not.toMatch(/agents used/);
  });
});
