import type { ConversationStore } from '../../conversations/conversation-store.js';
import type { Database, Queryable } from '../../stores/database.js';
import { applyConfirmedDisposition } from '../qa/qa-store.js';
import type { QaResult } from '../qa/auto-qa.js';
import type { WrapupStore } from '../wrapup-store.js';
import { chosenDispositionOf, saveDispositionConfirmation } from './disposition-store.js';
import { createWrapupStore } from '../wrapup-store.js';
import { recordResolutionCode } from '../../knowledge/learned-ranking/resolution-store.js';

export interface ConfirmDispositionInput {
  tenantId: string;
  conversationId: string;
  code: string;
  agentId: string | null;
}

/**
 * Records the agent's wrap-up code beside what was suggested, on the conversation itself, in
 * its QA score and as ranking evidence, all in one transaction. Returns what the disposition step had suggested.
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
): Promise<{ suggested: string | null; qa: QaResult | null }> {
  const { db, conversations, wrapups } = stores;
  const { tenantId, conversationId, code } = input;
  const suggestion = await wrapups.resultOf({ tenantId, conversationId }, 'disposition');
  const qa = await db.transaction(async (tx) => {
    await saveDispositionConfirmation(tx, {
      tenantId,
      conversationId,
      suggestedCode: suggestion?.suggested ?? null,
      confidence: suggestion?.confidence ?? null,
      chosenCode: code,
      agentId: input.agentId,
    });
    await conversations.mergeMetadata(tenantId, conversationId, { disposition: code }, tx);
    // The code labels the conversation for the learned ranker: articles that resolved
    // conversations of this code reach later ones like it (decision 0029).
    await recordResolutionCode(tx, { tenantId, conversationId, code });
    // QA ran when the call ended, usually before the agent chose a code.
    const rescored = await applyConfirmedDisposition(tx, tenantId, conversationId, {
      chosen: code,
      suggested: suggestion?.suggested ?? null,
      confidence: suggestion?.confidence ?? 0,
    });
    await onConfirmed?.(tx, suggestion?.suggested ?? null);
    return rescored;
  });
  // The rescored QA (null while QA has not run: it will read the code itself), so the agent's
  // console shows the figure the code changed instead of the one from the end of the call.
  return { suggested: suggestion?.suggested ?? null, qa };
}

/**
 * After QA's result is stored: a code the agent confirmed while QA ran (QA read no code, and the
 * confirmation found no QA result to rescore) is scored now. Both this and `confirmDisposition`
 * hold the conversation's row lock (there: its metadata update) while they read the other's
 * write, so whichever comes second sees the first.
 */
export async function reconcileConfirmedDisposition(
  db: Database,
  tenantId: string,
  conversationId: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
      tenantId,
      conversationId,
    ]);
    const chosen = await chosenDispositionOf(tx, tenantId, conversationId);
    if (!chosen) return;
    const suggestion = await createWrapupStore(tx).resultOf(
      { tenantId, conversationId },
      'disposition',
    );
    await applyConfirmedDisposition(tx, tenantId, conversationId, {
      chosen,
      suggested: suggestion?.suggested ?? null,
      confidence: suggestion?.confidence ?? 0,
    });
  });
}
