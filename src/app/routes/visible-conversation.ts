import type { Services } from '../services.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { canReadConversation, type Principal } from '../../tenancy/roles.js';
import type { ConversationRecord } from '../../conversations/types.js';

/**
 * A conversation by Cuecard id or the connector's own id, if this key may read it. Unknown and
 * forbidden answer the same 404, so an agent cannot probe other agents' conversations.
 */
export async function visibleConversation(
  services: Pick<Services, 'conversations'>,
  principal: Principal,
  id: string,
  field = 'id',
): Promise<ConversationRecord> {
  const conversation =
    (await services.conversations.getConversation(principal.tenantId, id)) ??
    (await services.conversations.findByExternalId(principal.tenantId, id));
  if (!conversation || !canReadConversation(principal, conversation.agentId)) {
    throw new CuecardError('not_found', `No conversation "${id}" visible to this key.`, { field });
  }
  return conversation;
}
