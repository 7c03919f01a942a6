import { describe, expect, it } from 'vitest';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';
import { loadResolvedConversations } from '../src/knowledge/learned-ranking/resolution-store.js';

/*
 * Issue 21: an agent who finds an article by typed search (no card suggested it) and inserts a
 * passage into the reply records "used" on the article alone. That verdict is evidence the
 * learned ranker trains on, like a card's.
 */
describe('feedback on an article found by search', () => {
  let server: TestServer;
  useDefaultServer((started) => (server = started));

  it('records "used" without a suggestion id and the ended conversation teaches the ranker', async () => {
    const created = await server.call('POST', '/api/articles', server.keys.knowledgeManager, {
      title: '宽带断网赔偿',
      body: '因网络故障断网超过**24小时**的用户，可以申请当月费用的减免。',
      language: 'zh',
      status: 'published',
    });
    expect(created.statusCode).toBe(201);

    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'search-used', channel: 'voice', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'search-used',
        seq: 1,
        speaker: 'customer',
        text: '我家断网两天了，能不能赔偿？',
        final: true,
      },
      (m) => m.type === 'ack',
    );

    const search = await server.call(
      'GET',
      `/api/knowledge/search?q=${encodeURIComponent('断网赔偿')}`,
      server.keys.agent,
    );
    const hit = search.json().results[0];
    expect(hit.title).toBe('宽带断网赔偿');

    const used = await server.call('POST', '/api/feedback', server.keys.agent, {
      conversationId: 'search-used',
      kind: 'article',
      articleId: hit.articleId,
      verdict: 'used',
    });
    expect(used.statusCode).toBe(200);
    await connector.request(
      { type: 'end', conversationId: 'search-used' },
      (m) => m.type === 'ended',
    );
    await connector.close();

    const [resolved] = await loadResolvedConversations(server.services.db, 'acme');
    expect(resolved?.text).toBe('我家断网两天了，能不能赔偿？');
    expect(Object.fromEntries(resolved!.articles)).toEqual({ [hit.articleId]: 0.6 });
    // The knowledge manager's usage count and the conversation's record both show it.
    const row = (await server.call('GET', '/api/articles', server.keys.knowledgeManager))
      .json()
      .articles.find((article: { id: string }) => article.id === hit.articleId);
    expect(row.usage).toMatchObject({ used: 1 });
    const detail = (
      await server.call('GET', `/api/conversations/${resolved!.id}`, server.keys.supervisor)
    ).json();
    expect(
      detail.events.filter((event: { type: string }) => event.type === 'feedback'),
    ).toMatchObject([
      {
        feedback: {
          kind: 'article',
          verdict: 'used',
          articleId: hit.articleId,
          // The log names the article: no suggestion in it carried the title.
          articleTitle: '宽带断网赔偿',
        },
      },
    ]);
  });

  it('still asks for a suggestion id when the verdict is about a suggestion', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'reply-no-id', channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.close();
    for (const kind of ['reply', 'answer']) {
      const response = await server.call('POST', '/api/feedback', server.keys.agent, {
        conversationId: 'reply-no-id',
        kind,
        verdict: 'used',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ field: 'suggestionId' });
    }
  });
});
