import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cuecard } from '../src/app/compose-cuecard.js';
import { startEmbeddedCuecard, type EmbeddedCuecard } from './support/embedded-cuecard.js';
import { TestSocket } from './support/ws-client.js';

/** The service as `npm start` assembles it: default offline capabilities, dev tenant, redaction. */
describe('the default pipeline', () => {
  let embedded: EmbeddedCuecard;
  let cuecard: Cuecard;
  let wsUrl: string;
  beforeAll(async () => {
    embedded = await startEmbeddedCuecard('test');
    ({ cuecard, wsUrl } = embedded);
  });
  afterAll(async () => embedded?.close());

  it('stores and publishes only redacted text, and streams language and sentiment for every final utterance', async () => {
    const keys = cuecard.devKeys!.keys;
    const agent = await TestSocket.connect(`${wsUrl}/ws/subscribe`, keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${wsUrl}/ws/ingest`, keys.connector);
    await connector.request(
      {
        type: 'open',
        conversationId: 'pii-1',
        channel: 'voice',
        agentId: cuecard.devKeys!.agentId,
      },
      (m) => m.type === 'opened',
    );
    const said =
      'This is useless, I was charged twice. My card is 4111 1111 1111 1111 and my email is jo.lee@example.com, order 55231.';
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'pii-1',
        seq: 1,
        speaker: 'customer',
        text: said,
        final: true,
      },
      (m) => m.type === 'ack',
    );
    const sentiment = await agent.next(
      (m) => m.type === 'event' && (m.event as { analyzer?: string }).analyzer === 'sentiment',
    );
    const final = agent.events().find((e) => e.type === 'item-final') as unknown as {
      item: { text: string };
    };
    expect(final.item.text).not.toContain('4111');
    expect(final.item.text).not.toContain('jo.lee@example.com');
    expect(final.item.text).toContain('[CARD_NUMBER]');
    expect(final.item.text).toContain('order 55231');
    const { rows } = await cuecard.services.db.query<{ text: string }>(
      'SELECT text FROM conversation_items',
    );
    expect(rows[0]?.text).toBe(final.item.text);
    const { rows: events } = await cuecard.services.db.query<{ payload: unknown }>(
      'SELECT payload FROM events',
    );
    expect(JSON.stringify(events)).not.toContain('4111');
    expect((sentiment.event as { result: { label: string } }).result.label).toBe('negative');
    expect(
      agent
        .events()
        .some(
          (e) =>
            e.type === 'analysis' &&
            e.analyzer === 'language' &&
            (e.result as { language: string }).language === 'en',
        ),
    ).toBe(true);
    await Promise.all([agent.close(), connector.close()]);
  });

  it('redacts the second half of a card number the customer continues in their next utterance', async () => {
    const keys = cuecard.devKeys!.keys;
    const connector = await TestSocket.connect(`${wsUrl}/ws/ingest`, keys.connector);
    const conversationId = 'pii-split';
    await connector.request(
      { type: 'open', conversationId, channel: 'voice', agentId: cuecard.devKeys!.agentId },
      (m) => m.type === 'opened',
    );
    const turns = [
      { speaker: 'customer', text: 'it is 4111 1111' },
      { speaker: 'agent', text: 'mm-hm, go on' },
      { speaker: 'customer', text: '9999 9999, that is all' },
    ];
    for (const [index, turn] of turns.entries()) {
      await connector.request(
        { type: 'utterance', conversationId, seq: index + 1, ...turn, final: true },
        (m) => m.type === 'ack',
      );
    }
    await cuecard.services.pipeline.drain();
    const { rows } = await cuecard.services.db.query<{ seq: number; text: string }>(
      `SELECT i.seq, i.text FROM conversation_items i JOIN conversations c ON c.id = i.conversation_id
        WHERE c.external_id = $1 ORDER BY i.seq`,
      [conversationId],
    );
    // 4111 1111 9999 9999 passes Luhn; its first half alone is no personal data and stays as said.
    expect(rows.map((row) => row.text)).toEqual([
      'it is 4111 1111',
      'mm-hm, go on',
      '[CARD_NUMBER], that is all',
    ]);
    const { rows: events } = await cuecard.services.db.query<{ payload: unknown }>(
      'SELECT payload FROM events',
    );
    expect(JSON.stringify(events)).not.toContain('9999');
    await connector.close();
  });

  it('redacts personal data inside action data before it is stored, published or summarised', async () => {
    const keys = cuecard.devKeys!.keys;
    const connector = await TestSocket.connect(`${wsUrl}/ws/ingest`, keys.connector);
    await connector.request(
      {
        type: 'open',
        conversationId: 'pii-action',
        channel: 'voice',
        agentId: cuecard.devKeys!.agentId,
      },
      (m) => m.type === 'opened',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'pii-action',
        seq: 1,
        speaker: 'customer',
        text: 'I was charged twice for my order, can you refund it?',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    await connector.request(
      {
        type: 'action',
        conversationId: 'pii-action',
        seq: 2,
        action: 'verify-identity',
        data: {
          ssn: '078-05-5141',
          bare: { ssn: '078055141' },
          contacts: ['jo.lee@example.com'],
          method: 'kba',
        },
      },
      (m) => m.type === 'ack' && m.seq === 2,
    );
    const { rows: items } = await cuecard.services.db.query<{ data: unknown }>(
      "SELECT data FROM conversation_items WHERE kind = 'action'",
    );
    expect(items[0]?.data).toEqual({
      ssn: '[NATIONAL_ID]',
      bare: { ssn: '[NATIONAL_ID]' },
      contacts: ['[EMAIL]'],
      method: 'kba',
    });
    const summary = await cuecard.app.inject({
      method: 'GET',
      url: '/api/conversations/pii-action/summary',
      headers: { authorization: `Bearer ${keys.agent}` },
    });
    expect(summary.statusCode).toBe(200);
    await connector.request(
      { type: 'end', conversationId: 'pii-action' },
      (m) => m.type === 'ended',
    );
    await cuecard.services.pipeline.drain();
    const { rows: events } = await cuecard.services.db.query<{ payload: unknown }>(
      'SELECT payload FROM events',
    );
    for (const stored of [JSON.stringify(events), summary.body]) {
      expect(stored).not.toMatch(/078-?05-?5141|jo\.lee@example/);
    }
    await connector.close();
  });
});
