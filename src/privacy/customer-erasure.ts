import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../stores/database.js';
import type { AuditActor, AuditLog } from './audit-log.js';

/** Rows removed per kind, as the erasure answers and the audit log records. */
export type ErasureCounts = Record<ErasedKind, number>;

/**
 * Everything Cuecard keeps about a conversation, children first (foreign keys). Each statement
 * takes the conversation ids as $1 (text[]) and the tenant as $2. A table that gains a
 * conversation_id or customer_id column must be added here: the erasure test lists every such
 * table from information_schema and fails on one this leaves rows in.
 */
const erasureSteps = [
  [
    'qaOverrides',
    'DELETE FROM qa_overrides WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  ['qaScores', 'DELETE FROM qa_scores WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2'],
  [
    'dispositionConfirmations',
    'DELETE FROM disposition_confirmations WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'followUps',
    'DELETE FROM follow_up_tasks WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'caseIndex',
    'DELETE FROM case_vectors WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'resolutionEvidence',
    'DELETE FROM resolution_evidence WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'resolutionCodes',
    'DELETE FROM resolution_codes WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'articleFeedback',
    'DELETE FROM article_feedback WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  // The summary as the agent rewrote it (issue 21): the call in the agent's words.
  [
    'summaryEdits',
    'DELETE FROM summary_edits WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'wrapupResults',
    'DELETE FROM wrapup_results WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  [
    'analyzerStates',
    `DELETE FROM analyzer_state
      WHERE conversation_id IN (SELECT id FROM conversations WHERE id = ANY($1::text[]) AND tenant_id = $2)`,
  ],
  ['events', 'DELETE FROM events WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2'],
  [
    'transcriptItems',
    'DELETE FROM conversation_items WHERE conversation_id = ANY($1::text[]) AND tenant_id = $2',
  ],
  // Analysis and wrap-up work is queued per conversation (queue_key); done rows are kept for
  // de-duplication and name the conversation.
  [
    'workItems',
    `DELETE FROM work_items
      WHERE queue_key IN (SELECT id FROM conversations WHERE id = ANY($1::text[]) AND tenant_id = $2)`,
  ],
  // A webhook body names its conversation (and, for conversation.ended, the customer): sent or
  // not, the outbox copy goes; what the tenant's own systems received is theirs to erase.
  [
    'webhookDeliveries',
    `DELETE FROM webhook_deliveries
      WHERE tenant_id = $2 AND (body::jsonb -> 'data' ->> 'conversationId') = ANY($1::text[])`,
  ],
  ['conversations', 'DELETE FROM conversations WHERE id = ANY($1::text[]) AND tenant_id = $2'],
] as const;

export type ErasedKind = (typeof erasureSteps)[number][0];

/**
 * How an erased customer appears in the audit log: a digest, so "was customer X erased?" can be
 * answered by whoever knows X, while the log itself does not keep X.
 */
export function erasedCustomerSubject(tenantId: string, customerId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\u0000${customerId}`).digest('hex');
  return `customer:sha256:${digest.slice(0, 32)}`;
}

export interface CustomerErasureDeps {
  db: Database;
  audit: AuditLog;
  /** The customer id as stored (a pseudonym when the tenant asks for one). */
  storedCustomerId(tenantId: string, customerId: string): Promise<string>;
}

/**
 * Erases one customer: every conversation stored under their id (as sent or as pseudonym: a
 * tenant may have switched pseudonyms on after some calls were stored) and everything derived
 * from them, in one transaction with its audit entry.
 */
export function createCustomerErasure(deps: CustomerErasureDeps) {
  return async function eraseCustomer(input: {
    tenantId: string;
    customerId: string;
    actor: AuditActor;
  }): Promise<{ conversations: string[]; removed: ErasureCounts; subject: string }> {
    const stored = await deps.storedCustomerId(input.tenantId, input.customerId);
    const forms = [...new Set([input.customerId, stored])];
    return deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM conversations WHERE tenant_id = $1 AND customer_id = ANY($2::text[])
          ORDER BY id FOR UPDATE`,
        [input.tenantId, forms],
      );
      const ids = rows.map((row) => row.id);
      const removed = await runSteps(tx, ids, input.tenantId);
      const subject = erasedCustomerSubject(input.tenantId, input.customerId);
      await deps.audit.record(tx, {
        tenantId: input.tenantId,
        actor: input.actor,
        action: 'customer.erased',
        subject,
        counts: removed,
      });
      return { conversations: ids, removed, subject };
    });
  };
}

async function runSteps(tx: Queryable, ids: string[], tenantId: string): Promise<ErasureCounts> {
  const removed = {} as ErasureCounts;
  for (const [kind, sql] of erasureSteps) {
    removed[kind] = ids.length === 0 ? 0 : (await tx.query(sql, [ids, tenantId])).affectedRows;
  }
  return removed;
}

export type CustomerErasure = ReturnType<typeof createCustomerErasure>;
