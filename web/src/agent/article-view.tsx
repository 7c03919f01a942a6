import { useEffect, useRef, useState } from 'react';
import { getArticle, type Article } from '../knowledge/knowledge-api.js';
import { Markdown } from '../knowledge/markdown.js';
import { PassageActions } from './passage-actions.js';
import { markdownBlocks, plainText } from './plain-text.js';
import { useAgentKnowledge } from './agent-knowledge.js';
import './article-view.css';

/** An article to open, and the card that suggested it (absent when search found it). */
export interface OpenArticle {
  articleId: string;
  /** The title already known (a card's, a result's), shown while the article loads. */
  title: string;
  suggestionId?: string | undefined;
}

type Loaded =
  | { state: 'loading' }
  | { state: 'loaded'; article: Article }
  | { state: 'failed'; message: string };

/**
 * The whole article in a drawer beside the call: the transcript and the other panels stay live
 * and usable (it is not modal). Focus moves into it when it opens and back to what opened it when
 * it closes; Escape closes it. Each paragraph, list and code block can be copied or inserted.
 */
export function ArticleView({ article, onClose }: { article: OpenArticle; onClose: () => void }) {
  const tools = useAgentKnowledge();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const heading = useRef<HTMLHeadingElement>(null);
  const apiKey = tools?.apiKey;

  useEffect(() => {
    if (!apiKey) return;
    let cancelled = false;
    getArticle(apiKey, article.articleId).then(
      (found) => !cancelled && setLoaded({ state: 'loaded', article: found.article }),
      (error: unknown) =>
        !cancelled &&
        setLoaded({
          state: 'failed',
          message: error instanceof Error ? error.message : 'The service did not answer.',
        }),
    );
    return () => {
      cancelled = true;
    };
  }, [apiKey, article.articleId]);

  // The drawer's owner re-renders with every live event: the latest onClose, read without re-running the focus effect.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    heading.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Back to the result or card that opened it, if it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  // Opening an article to read it during a call is use (issue 19: opened, copied, inserted):
  // evidence for the learned ranker, recorded once the article could be shown, at most once per
  // conversation (recordUsed remembers).
  const recordUsed = tools?.recordUsed;
  const suggestionId = article.suggestionId;
  useEffect(() => {
    if (loaded.state !== 'loaded' || !recordUsed) return;
    void recordUsed({
      kind: 'article',
      articleId: article.articleId,
      ...(suggestionId ? { suggestionId } : {}),
    });
  }, [loaded.state, recordUsed, article.articleId, suggestionId]);

  const title = loaded.state === 'loaded' ? loaded.article.title : article.title;
  const subject = {
    kind: 'article' as const,
    articleId: article.articleId,
    ...(article.suggestionId ? { suggestionId: article.suggestionId } : {}),
  };
  return (
    <aside
      className="article-view"
      role="dialog"
      aria-modal="false"
      aria-labelledby="article-view-title"
    >
      <header className="article-view-header">
        <h2 id="article-view-title" ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="button small" onClick={onClose}>
          Close<span className="sr-only"> article</span>
        </button>
      </header>
      {loaded.state === 'loading' ? (
        <p className="meta" aria-busy="true">
          Loading the article…
        </p>
      ) : loaded.state === 'failed' ? (
        <p className="notice error" role="alert">
          The article could not be loaded: {loaded.message}
        </p>
      ) : (
        <>
          {loaded.article.tags.length > 0 ? (
            <p className="meta">{loaded.article.tags.join(' · ')}</p>
          ) : null}
          <article className="article-view-body">
            {markdownBlocks(loaded.article.body).map((block, index) =>
              block.heading ? (
                <Markdown key={index} source={block.source} />
              ) : (
                <div key={index} className="article-block">
                  <Markdown source={block.source} />
                  <PassageActions
                    text={plainText(block.source)}
                    subject={subject}
                    label={`paragraph ${index + 1} of ${loaded.article.title}`}
                  />
                </div>
              ),
            )}
          </article>
        </>
      )}
    </aside>
  );
}
