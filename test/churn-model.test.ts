import { describe, expect, it } from 'vitest';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/** A made-up customer table: short month-to-month customers leave, long contracts stay. */
function customerTable(): string {
  const lines = ['customerID,tenure,Contract,MonthlyCharges,Churn'];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 400; i++) {
    const contract = ['Month-to-month', 'One year', 'Two year'][i % 3]!;
    const tenure = Math.floor(random() * 72);
    const churnOdds = (contract === 'Month-to-month' ? 0.6 : 0.08) * (tenure < 12 ? 1.4 : 0.6);
    lines.push(
      `C${i},${tenure},${contract},${(20 + random() * 90).toFixed(2)},${random() < churnOdds ? 'Yes' : 'No'}`,
    );
  }
  return lines.join('\n');
}

describe('churn model trained by the tenant', () => {
  let server: TestServer;
  const call: TestServer['call'] = (...args) => server.call(...args);

  useDefaultServer((started) => (server = started), { analyzerTimeoutMs: 5_000 });

  it('trains from a customer table and scores customers by their attributes at wrap-up, with reasons', async () => {
    expect((await call('GET', '/api/churn/model', server.keys.supervisor)).json()).toEqual({
      trained: false,
    });
    const trained = await call('PUT', '/api/churn/model', server.keys.admin, {
      csv: customerTable(),
    });
    expect(trained.statusCode).toBe(200);
    expect(trained.json().customers).toBe(400);
    expect((await call('GET', '/api/churn/model', server.keys.supervisor)).json()).toMatchObject({
      trained: true,
      customers: 400,
    });

    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const risks: Record<
      string,
      { risk: number; baseRisk: number; reasons: { attribute: string }[] }
    > = {};
    for (const [id, attributes] of [
      ['risky', { tenure: 2, Contract: 'Month-to-month', MonthlyCharges: 95 }],
      ['loyal', { tenure: 65, Contract: 'Two year', MonthlyCharges: 40 }],
    ] as const) {
      await connector.request(
        {
          type: 'open',
          conversationId: id,
          channel: 'voice',
          agentId: 'alice',
          customerId: id,
          customerAttributes: attributes,
        },
        (m) => m.type === 'opened',
      );
      await connector.request(
        {
          type: 'utterance',
          conversationId: id,
          seq: 1,
          speaker: 'customer',
          text: 'Hi, I have a question about my bill.',
          final: true,
        },
        (m) => m.type === 'ack',
      );
      await connector.request({ type: 'end', conversationId: id }, (m) => m.type === 'ended');
    }
    await connector.close();
    await server.services.pipeline.drain();
    for (const id of ['risky', 'loyal']) {
      const conversation = (await server.services.conversations.findByExternalId('acme', id))!;
      risks[id] = (
        await call('GET', `/api/qa/conversations/${conversation.id}`, server.keys.supervisor)
      ).json().wrapup.churn;
    }
    expect(risks.risky!.baseRisk).toBeGreaterThan(risks.loyal!.baseRisk + 0.2);
    expect(risks.risky!.risk).toBeGreaterThan(risks.loyal!.risk);
    expect(risks.risky!.reasons.map((r) => r.attribute).join(' ')).toMatch(/Contract|tenure/);
  });

  it('refuses a table without outcomes, naming the column, and keys that are not admin', async () => {
    const bad = await call('PUT', '/api/churn/model', server.keys.admin, {
      csv: 'customerID,tenure\nC1,3\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/Churn/);
    const wrongValue = await call('PUT', '/api/churn/model', server.keys.admin, {
      csv: 'customerID,tenure,Churn\nC1,3,maybe\n',
    });
    expect(wrongValue.json().error.message).toMatch(/:2: field "Churn" must be Yes or No/);
    expect(
      (await call('PUT', '/api/churn/model', server.keys.supervisor, { csv: customerTable() }))
        .statusCode,
    ).toBe(403);
  });
});
