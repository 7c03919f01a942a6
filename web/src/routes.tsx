import type { ReactNode } from 'react';
import type { Role } from './live/types.js';
import { AgentConsole } from './pages/agent-console.js';
import { SupervisorLive } from './pages/supervisor-live.js';
import { ConversationDetail } from './pages/conversation-detail.js';
import { QaReviewList } from './qa/qa-review-list.js';
import { QaReviewDetail } from './qa/qa-review-detail.js';
import { KnowledgeHome } from './knowledge/knowledge-home.js';
import { ArticleEditor } from './knowledge/article-editor.js';
import { KeyAdmin } from './admin/key-admin.js';

export interface ConsoleRoute {
  path: string;
  /** Shown in the navigation when set. */
  label?: string;
  roles: readonly Role[];
  render(params: Record<string, string>): ReactNode;
}

/**
 * Every console page, in navigation order; a role's home is its first labelled route. The first
 * route whose pattern matches wins, so fixed paths come before ":id" ones.
 */
export const consoleRoutes: readonly ConsoleRoute[] = [
  { path: '/agent', label: 'Agent console', roles: ['agent'], render: () => <AgentConsole /> },
  {
    path: '/supervisor',
    label: 'Live conversations',
    roles: ['supervisor', 'admin'],
    render: () => <SupervisorLive />,
  },
  {
    path: '/supervisor/conversations/:id',
    roles: ['supervisor', 'admin'],
    render: (params) => <ConversationDetail key={params.id} id={params.id ?? ''} />,
  },
  {
    path: '/qa',
    label: 'QA review',
    roles: ['supervisor', 'admin'],
    render: () => <QaReviewList />,
  },
  {
    path: '/qa/conversations/:id',
    roles: ['supervisor', 'admin'],
    render: (params) => <QaReviewDetail key={params.id} id={params.id ?? ''} />,
  },
  {
    path: '/knowledge',
    label: 'Knowledge',
    roles: ['knowledge_manager', 'admin'],
    render: () => <KnowledgeHome />,
  },
  {
    path: '/knowledge/articles/new',
    roles: ['knowledge_manager', 'admin'],
    render: () => <ArticleEditor key="new" id={null} />,
  },
  {
    path: '/knowledge/articles/:id',
    roles: ['knowledge_manager', 'admin'],
    render: (params) => <ArticleEditor key={params.id} id={params.id ?? ''} />,
  },
  { path: '/admin/keys', label: 'API keys', roles: ['admin'], render: () => <KeyAdmin /> },
];

export function homeFor(role: Role): string | null {
  return consoleRoutes.find((route) => route.label && route.roles.includes(role))?.path ?? null;
}

const ROLE_NAMES: Record<Role, string> = {
  connector: 'Connector',
  agent: 'Agent',
  supervisor: 'Supervisor',
  knowledge_manager: 'Knowledge manager',
  admin: 'Administrator',
};

export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}
