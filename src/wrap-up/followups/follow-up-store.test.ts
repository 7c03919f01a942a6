import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import { createTenantStore } from '../../tenancy/tenant-store.js';
import { createConversationStore } from '../../conversations/conversation-store.js';
import { extractCommitments } from './commitments.js';
import {
  listFollowUps,
  reviewFollowUp,
  saveFollowUps,
  setFollowUpStatus,
} from './follow-up-store.js';

const now = new Date('2026-12-06T05:09:27Z');
const turns = [
  {
    seq: 4,
    speaker: 'agent',
    text: "Refunds arrive in 5 to 7 business days. I'll also email you a confirmation today, and I'll call you back on Thursday at 2pm.",
  },
];

describe('follow-up tasks when the wrap-up runs again', () => {
  let db: Database;
  let conversationId: string;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await createTenantStore(db).createTenant({ id: 't', name: 't' });
    const { conversation } = await createConversationStore(db).open({
      tenantId: 't',
      externalId: 'call-1',
      channel: 'voice',
    });
    conversationId = conversation.id;
  });
  afterAll(async () => db?.close());

  it('keeps the tasks it made (ids, status), updates what changed and drops what is gone', async () => {
    const commitments = extractCommitments(turns, { now, owners: ['agent'] });
    const first = await saveFollowUps(db, 't', conversationId, 'agent-1', commitments);
    expect(first.map((task) => task.kind).sort()).toEqual(['callback', 'refund', 'send']);
    const callback = first.find((task) => task.kind === 'callback')!;
    await setFollowUpStatus(db, 't', callback.id, 'done');

    // A retry with the same commitments: the same tasks, the closed one still closed.
    const again = await saveFollowUps(db, 't', conversationId, 'agent-1', commitments);
    expect(again.map((task) => task.id)).toEqual(first.map((task) => task.id));
    expect(again.find((task) => task.kind === 'callback')!.status).toBe('done');
    const all = await listFollowUps(db, { tenantId: 't', conversationId, limit: 10 });
    expect(all).toHaveLength(3);

    // The refund is now due later and the e-mail is no longer promised.
    const refund = commitments.find((commitment) => commitment.kind === 'refund')!;
    const changed = [
      { ...refund, dueAt: '2026-12-20T17:00:00.000Z' },
      commitments.find((commitment) => commitment.kind === 'callback')!,
    ];
    const updated = await saveFollowUps(db, 't', conversationId, 'agent-1', changed);
    const refundTask = updated.find((task) => task.kind === 'refund')!;
    expect(refundTask.id).toBe(first.find((task) => task.kind === 'refund')!.id);
    expect(refundTask.dueAt).toBe('2026-12-20T17:00:00.000Z');
    const left = await listFollowUps(db, { tenantId: 't', conversationId, limit: 10 });
    expect(left.map((task) => task.kind).sort()).toEqual(['callback', 'refund']);
  });

  it('keeps what the agent changed or dismissed when the wrap-up runs again', async () => {
    const { conversation } = await createConversationStore(db).open({
      tenantId: 't',
      externalId: 'call-2',
      channel: 'voice',
    });
    const commitments = extractCommitments(turns, { now, owners: ['agent'] });
    const first = await saveFollowUps(db, 't', conversation.id, 'agent-1', commitments);
    const callback = first.find((task) => task.kind === 'callback')!;
    const send = first.find((task) => task.kind === 'send')!;
    const changed = await reviewFollowUp(
      db,
      't',
      callback.id,
      { decision: 'changed', draftMessage: 'Ring Dana', dueAt: null },
      'Alice',
      'agent-1',
    );
    expect(changed).toMatchObject({ decision: 'changed', draftMessage: 'Ring Dana', dueAt: null });
    // Another agent's key cannot decide on it.
    expect(
      await reviewFollowUp(db, 't', send.id, { decision: 'dismissed' }, 'Bob', 'agent-2'),
    ).toBeNull();
    await reviewFollowUp(db, 't', send.id, { decision: 'dismissed' }, 'Alice', 'agent-1');

    // A retry with only the refund still committed: the agent's two tasks stay as decided.
    const refundOnly = commitments.filter((commitment) => commitment.kind === 'refund');
    await saveFollowUps(db, 't', conversation.id, 'agent-1', refundOnly);
    const after = await listFollowUps(db, {
      tenantId: 't',
      conversationId: conversation.id,
      limit: 10,
    });
    expect(after.find((task) => task.id === callback.id)).toMatchObject({
      draftMessage: 'Ring Dana',
      decidedBy: 'Alice',
      status: 'open',
    });
    expect(after.find((task) => task.id === send.id)).toMatchObject({
      decision: 'dismissed',
      status: 'cancelled',
    });
  });
});
