/**
 * The wire types the consoles render. They are the service's own types (type-only imports,
 * erased at build time), so a protocol change breaks `tsc -p web` instead of the screen.
 */
export type {
  Alert,
  Citation,
  CuecardEvent,
  EventBody,
  HelpPerson,
  PlaybookStepMark,
  Suggestion,
} from '../../../src/conversations/events.js';
export type { HelpRequest } from '../../../src/conversations/help/help-requests.js';
export type {
  AgentWrapup,
  DispositionConfirmed,
  FollowUpTask,
  SummaryEdit,
  WrapupCodeChoice,
} from '../../../src/wrap-up/agent-wrapup.js';
export type {
  PlaybookResult,
  PlaybookStepLine,
} from '../../../src/assist/playbooks/playbook-analyzer.js';
export type { IntentAnalysis } from '../../../src/understanding/intent/intent-analyzer.js';
export type {
  AnalyzerResults,
  FinalizerResults,
  WrapupResults,
} from '../../../src/pipeline/contract.js';
export type { StepStatus } from '../../../src/assist/playbooks/playbook-tracker.js';
export type {
  Channel,
  ConversationItem,
  ConversationRecord,
  Speaker,
  UtteranceItem,
} from '../../../src/conversations/types.js';

export type Role = 'connector' | 'agent' | 'supervisor' | 'knowledge_manager' | 'admin';

/** Who the signed-in key is (`GET /api/me`). */
export interface Identity {
  tenantId: string | null;
  /** The tenant's name, shown instead of its id; null from a service too old to say. */
  tenantName: string | null;
  role: Role;
  agentId: string | null;
  /** The key's name ("Mei Chen"); null from a service too old to say. */
  name: string | null;
  /** The key's id, so a page can tell the caller's own key apart; null from an old service. */
  keyId: string | null;
}
