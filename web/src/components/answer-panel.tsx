import { useEffect, useState } from 'react';
import type { ConversationView } from '../live/conversation-state.js';
import type { Citation } from '../live/types.js';
import { getArticle, type Article } from '../knowledge/knowledge-api.js';
import { Markdown } from '../knowledge/markdown.js';
import { HighlightedPassage } from './highlighted-passage.js';
import { FeedbackButtons } from './feedback-buttons.js';
import { useAgentKnowledge } from '../agent/agent-knowledge.js';
import { PassageActions } from '../agent/passage-actions.js';

type Answer = NonNullable<ConversationView['answer']>;

/** The cited article, read in place: agents answer from it without leaving the call. */
function ArticleReader({
  apiKey,
  articleId,
  onClose,
}: {
  apiKey: string;
  articleId: string;
  onClose: () => void;
}) {
  const [article, setArticle] = useState<Article | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setArticle(null);
    setProblem(null);
    getArticle(apiKey, articleId).then(
      (found) => !cancelled && setArticle(found.article),
      () => !cancelled && setProblem('The article could not be loaded.'),
    );
    return () => {
      cancelled = true;
    };
  }, [apiKey, articleId]);
  return (
    <div className="article-reader" role="region" aria-label="Cited article">
      <div className="actions">
        <button type="button" className="button small" onClick={onClose}>
          Close article
        </button>
      </div>
      {problem ? <p role="alert">{problem}</p> : null}
      {article ? (
        <article className="article-body">
          <h3>{article.title}</h3>
          <Markdown source={article.body} />
        </article>
      ) : problem ? null : (
        <p className="meta">Loading…</p>
      )}
    </div>
  );
}

function CitationLink({ citation, onOpen }: { citation: Citation; onOpen: (id: string) => void }) {
  return (
    <a
      href={`#article-${encodeURIComponent(citation.articleId)}`}
      className="citation"
      title={`Open "${citation.title}"`}
      onClick={(event) => {
        event.preventDefault();
        onOpen(citation.articleId);
      }}
    >
      {citation.title}
    </a>
  );
}

function AnswerBody({ answer, onOpen }: { answer: Answer; onOpen: (id: string) => void }) {
  if (answer.refused) return <p className="answer-text refused">{answer.text}</p>;
  const titled = new Map(answer.citations.map((citation) => [citation.articleId, citation]));
  // Quoted sentences carry the question's words marked; a model's claims carry their sources.
  if (answer.highlighted)
    return <HighlightedPassage highlighted={answer.highlighted} passage={answer.text} />;
  return (
    <p className="answer-text">
      {answer.claims.map((claim, index) => (
        <span key={index} className="claim">
          {claim.text}{' '}
          {claim.articleIds.map((id) => {
            const citation = titled.get(id);
            return citation ? (
              <sup key={id}>
                [<CitationLink citation={citation} onOpen={onOpen} />]
              </sup>
            ) : null;
          })}{' '}
        </span>
      ))}
    </p>
  );
}

/**
 * The answer to the customer's latest question: streamed in while the model writes it (its
 * citations are checked when it ends, so the preview may still lose a sentence), then each claim
 * with the articles that back it, or "no article supports an answer".
 */
export function AnswerPanel({ view, apiKey }: { view: ConversationView; apiKey: string }) {
  const [reading, setReading] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const tools = useAgentKnowledge();
  const answer = view.answer?.suggestionId === dismissed ? null : view.answer;
  // On the agent's console a cited article opens in the drawer beside the call; elsewhere here.
  const titles = new Map(answer?.citations.map((c) => [c.articleId, c.title]) ?? []);
  const open = tools
    ? (articleId: string) =>
        tools.openArticle({ articleId, title: titles.get(articleId) ?? 'Article' })
    : setReading;
  if (!answer && view.answerStreaming === null) return null;
  return (
    <section className="panel answer" aria-labelledby="answer-title">
      <h2 id="answer-title">Answer</h2>
      {view.answerStreaming !== null ? (
        <p className="answer-text streaming" aria-busy="true">
          {view.answerStreaming}
          <span className="cursor" aria-hidden="true" />
        </p>
      ) : answer ? (
        <>
          <AnswerBody answer={answer} onOpen={open} />
          {answer.citations.length > 0 ? (
            <p className="meta">
              Sources:{' '}
              {answer.citations.map((citation, index) => (
                <span key={citation.articleId}>
                  {index > 0 ? ', ' : ''}
                  <CitationLink citation={citation} onOpen={open} />
                </span>
              ))}
            </p>
          ) : null}
          {/* A refusal's reason repeats its text: said once is enough. */}
          {answer.reason.trim() !== answer.text.trim() ? (
            <p className="reason">{answer.reason}</p>
          ) : null}
          {answer.refused ? null : (
            <PassageActions
              text={answer.text}
              subject={{ kind: 'answer', suggestionId: answer.suggestionId }}
              label="answer"
              noun="answer"
            />
          )}
          {tools?.conversationId && !answer.refused ? (
            <FeedbackButtons
              key={answer.suggestionId}
              apiKey={apiKey}
              onDismiss={() => setDismissed(answer.suggestionId)}
              feedback={{
                suggestionId: answer.suggestionId,
                conversationId: tools.conversationId,
                kind: 'answer',
              }}
            />
          ) : null}
          {reading ? (
            <ArticleReader apiKey={apiKey} articleId={reading} onClose={() => setReading(null)} />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
