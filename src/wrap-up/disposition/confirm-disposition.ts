import type { ConversationStore } from '../../conversations/conversation-store.js';
import type { Database, Queryable } from '../../stores/database.js';
import { applyConfirmedDisposition } from '../qa/qa-store.js';
import type { WrapupStore } from '../wrapup-store.js';
import { saveDispositionConfirmation } from './disposition-store.js';

export interface ConfirmDispositionInput {
  tenantId: string;
  conversationId: string;
  code: string;
  agentId: string | null;
}

/**
 * Records the agent's wrap-up code beside what was suggested, on the conversation itself, and in
 * its QA score, all in one transaction. Returns what the disposition step had suggested.
 */
export async function confirmDisposition(
  stores: {
    db: Database;
    conversations: Pick<ConversationStore, 'mergeMetadata'>;
    wrapups: Pick<WrapupStore, 'resultOf'>;
  },
  input: ConfirmDispositionInput,
  /** Runs in the same transaction once it is recorded (webhooks announce it there). */
  onConfirmed?: (tx: Queryable, suggested: string | null) => Promise<unknown>,
): Promise<{ suggested: string | null }> {
  const { db, conversations, wrapups } = stores;
  const { tenantId, conversationId, code } = input;
  const suggestion = await wrapups.resultOf({ tenantId, conversationId }, 'disposition');
  await db.transaction(async (tx) => {
    await saveDispositionConfirmation(tx, {
      tenantId,
      conversationId,
      suggestedCode: suggestion?.suggested ?? null,
      confidence: suggestion?.confidence ?? null,
      chosenCode: code,
      agentId: input.agentId,
    });
    await conversations.mergeMetadata(tenantId, conversationId, { disposition: code }, tx);
    // QA ran when the call ended, usually before the agent chose a code.
    await applyConfirmedDisposition(tx, tenantId, conversationId, {
      chosen: code,
      suggested: suggestion?.suggested ?? null,
      confidence: suggestion?.confidence ?? 0,
    });
    await onConfirmed?.(tx, suggestion?.suggested ?? null);
  });
  return { suggested: suggestion?.suggested ?? null };
}
