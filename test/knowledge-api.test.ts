import { describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

describe.each(engines)('knowledge API on %s', (engine) => {
  let server: TestServer;
  const call: TestServer['call'] = (...args) => server.call(...args);

  useDefaultServer((started) => (server = started), { engine });

  it('creates, versions, publishes and retires articles; search follows their status', async () => {
    const created = await call('POST', '/api/articles', server.keys.knowledgeManager, {
      title: 'Replacing a lost loyalty card',
      body: 'A customer who lost the plastic loyalty card can get a replacement card posted within 7 days. Points stay on the account.',
      tags: ['loyalty'],
    });
    expect(created.statusCode).toBe(201);
    const { article } = created.json();
    expect(article).toMatchObject({
      status: 'draft',
      version: 1,
      id: 'replacing-a-lost-loyalty-card',
    });
    const search = () =>
      call('GET', '/api/knowledge/search?q=I%20lost%20my%20loyalty%20card', server.keys.agent).then(
        (r) => r.json().results,
      );
    expect((await search()).map((r: { articleId: string }) => r.articleId)).not.toContain(
      article.id,
    );

    await call('POST', `/api/articles/${article.id}/publish`, server.keys.knowledgeManager);
    const found = (await search())[0];
    expect(found).toMatchObject({ articleId: article.id, title: 'Replacing a lost loyalty card' });
    expect(found.highlighted).toMatch(/<mark>loyalty<\/mark>/i);

    const edited = (
      await call('PUT', `/api/articles/${article.id}`, server.keys.knowledgeManager, {
        body: 'Lost loyalty cards are replaced free of charge within 5 days.',
      })
    ).json();
    expect(edited.article).toMatchObject({ version: 3, status: 'published' });
    const detail = (await call('GET', `/api/articles/${article.id}`, server.keys.agent)).json();
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(detail.versions[0].changedBy).toBeTruthy();

    await call('POST', `/api/articles/${article.id}/retire`, server.keys.knowledgeManager);
    expect((await search()).map((r: { articleId: string }) => r.articleId)).not.toContain(
      article.id,
    );
    const list = (
      await call('GET', '/api/articles?status=retired', server.keys.knowledgeManager)
    ).json().articles;
    expect(list.map((a: { id: string }) => a.id)).toEqual([article.id]);
  });

  it('refuses writes from agents and bad input with the field named', async () => {
    expect(
      (await call('POST', '/api/articles', server.keys.agent, { title: 'x', body: 'y' }))
        .statusCode,
    ).toBe(403);
    const bad = await call('POST', '/api/articles', server.keys.knowledgeManager, {
      title: '',
      body: 'y',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', field: 'title' });
    expect(
      (await call('PUT', '/api/articles/nope', server.keys.knowledgeManager, { title: 'x' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call('GET', '/api/articles', server.keys.otherTenantAdmin)).json().articles,
    ).toHaveLength(0);
  });

  it('records agent feedback on cards as usage, and groups weak searches into knowledge gaps', async () => {
    const { article } = (
      await call('POST', '/api/articles', server.keys.knowledgeManager, {
        title: 'Gift wrapping',
        body: 'Gift wrapping costs 4 euros per parcel and can be added until the order ships.',
        status: 'published',
      })
    ).json();
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'fb-1', channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.close();
    const feedback = (verdict: string) =>
      call('POST', '/api/feedback', server.keys.agent, {
        suggestionId: 's-1',
        conversationId: 'fb-1',
        kind: 'article',
        articleId: article.id,
        verdict,
      });
    expect((await feedback('helpful')).json()).toMatchObject({ recorded: true });
    await feedback('used');
    const missing = await call('POST', '/api/feedback', server.keys.agent, {
      suggestionId: 's-1',
      conversationId: 'fb-1',
      kind: 'article',
      verdict: 'helpful',
    });
    expect(missing.json().error).toMatchObject({ field: 'articleId' });
    const row = (await call('GET', '/api/articles', server.keys.knowledgeManager))
      .json()
      .articles.find((a: { id: string }) => a.id === article.id);
    expect(row.usage).toMatchObject({ helpful: 1, used: 1, notHelpful: 0 });

    for (const q of [
      'can I bring my parrot on the plane',
      'parrot on a plane rules',
      'taking a pet parrot by plane',
    ]) {
      await call('GET', `/api/knowledge/search?q=${encodeURIComponent(q)}`, server.keys.agent);
    }
    const gaps = (await call('GET', '/api/knowledge/gaps', server.keys.knowledgeManager)).json()
      .gaps;
    const parrot = gaps.find((gap: { terms: string[] }) =>
      gap.terms.some((t) => t.startsWith('parrot')),
    );
    expect(parrot.count).toBe(3);
    expect(parrot.examples).toContain('taking a pet parrot by plane');
  });
});
