import { apiFetch } from '../api.js';
import type { CustomerOverview } from '../../../src/app/routes/customer-overview.js';

export type {
  CustomerOverview,
  OpenFollowUp,
  PriorContact,
} from '../../../src/app/routes/customer-overview.js';

export function getConversationCustomer(
  key: string,
  conversationId: string,
): Promise<CustomerOverview> {
  return apiFetch<CustomerOverview>(
    key,
    `/api/conversations/${encodeURIComponent(conversationId)}/customer`,
  );
}
