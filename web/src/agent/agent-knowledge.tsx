import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ArticleView, type OpenArticle } from './article-view.js';
import { postFeedback, subjectKey, type FeedbackSubject } from './knowledge-feedback.js';

export type UseOutcome = 'recorded' | 'no-conversation' | { failed: string };

/**
 * What the agent's knowledge tools share on the console: the reply draft of the conversation on
 * screen, the article open in the side drawer, and "used" feedback (a passage or reply copied or
 * inserted). Absent on read-only views (a supervisor looking over a call): the panels then show
 * no Copy/Insert.
 */
export interface AgentKnowledge {
  apiKey: string;
  conversationId: string | null;
  draft: string;
  setDraft: (text: string) => void;
  /** Adds text to the end of the draft, as its own paragraph. */
  insert: (text: string) => void;
  openArticle: (article: OpenArticle) => void;
  /** Records "used" once per suggestion/article and conversation. */
  recordUsed: (subject: FeedbackSubject) => Promise<UseOutcome>;
}

const Context = createContext<AgentKnowledge | null>(null);

export function useAgentKnowledge(): AgentKnowledge | null {
  return useContext(Context);
}

export function AgentKnowledgeProvider({
  apiKey,
  conversationId,
  children,
}: {
  apiKey: string;
  conversationId: string | null;
  children: ReactNode;
}) {
  // One draft per conversation: switching calls keeps what was written for each.
  const [drafts, setDrafts] = useState<ReadonlyMap<string, string>>(new Map());
  const [open, setOpen] = useState<OpenArticle | null>(null);
  const recorded = useRef(new Set<string>());
  const draftKey = conversationId ?? '';
  const draft = drafts.get(draftKey) ?? '';

  const setDraft = useCallback(
    (text: string) => setDrafts((current) => new Map(current).set(draftKey, text)),
    [draftKey],
  );
  const insert = useCallback(
    (text: string) =>
      setDrafts((current) => {
        const before = (current.get(draftKey) ?? '').trimEnd();
        return new Map(current).set(draftKey, before ? `${before}\n\n${text}` : text);
      }),
    [draftKey],
  );
  const recordUsed = useCallback(
    async (subject: FeedbackSubject): Promise<UseOutcome> => {
      if (!conversationId) return 'no-conversation';
      const key = `${conversationId}\u0000${subjectKey(subject)}`;
      if (recorded.current.has(key)) return 'recorded';
      try {
        await postFeedback(apiKey, { ...subject, conversationId, verdict: 'used' });
        recorded.current.add(key);
        return 'recorded';
      } catch (error) {
        return { failed: error instanceof Error ? error.message : 'the service did not answer' };
      }
    },
    [apiKey, conversationId],
  );
  const value = useMemo<AgentKnowledge>(
    () => ({
      apiKey,
      conversationId,
      draft,
      setDraft,
      insert,
      openArticle: setOpen,
      recordUsed,
    }),
    [apiKey, conversationId, draft, setDraft, insert, recordUsed],
  );
  return (
    <Context.Provider value={value}>
      {children}
      {open ? (
        <ArticleView key={open.articleId} article={open} onClose={() => setOpen(null)} />
      ) : null}
    </Context.Provider>
  );
}
