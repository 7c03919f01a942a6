import { useEffect, useRef, useState } from 'react';
import { searchKnowledge, type SearchResult } from '../knowledge/knowledge-api.js';
import { HighlightedPassage } from '../components/highlighted-passage.js';
import { useAgentKnowledge } from './agent-knowledge.js';
import { PassageActions } from './passage-actions.js';
import { humanize } from '../format.js';
import './knowledge-search.css';

type Search =
  | { state: 'idle' }
  | { state: 'loading'; query: string }
  | { state: 'done'; query: string; results: SearchResult[] }
  | { state: 'failed'; query: string; message: string };

/** Typing pauses this long before a search goes out: one request per thought, not per key. */
const DEBOUNCE_MS = 300;

/** A query worth sending: two letters, or one Chinese character (a word on its own). */
function searchable(query: string): boolean {
  const text = query.trim();
  return text.length >= 2 || /\p{Script=Han}/u.test(text);
}

/**
 * The agent's own search of the knowledge base, beside the cards the conversation brings up:
 * results as typed, each with its best passage (matched words marked), to open in full, copy or
 * insert into the reply draft.
 */
export function KnowledgeSearch() {
  const tools = useAgentKnowledge();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<Search>({ state: 'idle' });
  const latest = useRef(0);
  const apiKey = tools?.apiKey;

  function run(text: string) {
    if (!apiKey) return;
    const ticket = ++latest.current;
    if (!searchable(text)) {
      setSearch({ state: 'idle' });
      return;
    }
    setSearch({ state: 'loading', query: text });
    searchKnowledge(apiKey, { q: text.trim(), limit: 5 }).then(
      // Only the newest query's answer is shown: an older one may arrive after it.
      (results) => ticket === latest.current && setSearch({ state: 'done', query: text, results }),
      (error: unknown) =>
        ticket === latest.current &&
        setSearch({
          state: 'failed',
          query: text,
          message: error instanceof Error ? error.message : 'The service did not answer.',
        }),
    );
  }

  const runLater = useRef(run);
  runLater.current = run;
  useEffect(() => {
    const timer = setTimeout(() => runLater.current(query), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  if (!tools) return null;
  return (
    <section className="panel knowledge-search" aria-labelledby="knowledge-search-title">
      <h2 id="knowledge-search-title">Search the knowledge base</h2>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          run(query);
        }}
      >
        <label htmlFor="knowledge-search-input" className="sr-only">
          Search knowledge
        </label>
        <input
          id="knowledge-search-input"
          type="search"
          data-shortcut="search"
          placeholder="Search knowledge (press /)"
          autoComplete="off"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </form>
      <SearchOutcome search={search} onRetry={() => run(query)} />
    </section>
  );
}

function SearchOutcome({ search, onRetry }: { search: Search; onRetry: () => void }) {
  const tools = useAgentKnowledge();
  switch (search.state) {
    case 'idle':
      return <p className="empty">Type a question or keywords; results show the best passage.</p>;
    case 'loading':
      return (
        <p className="meta" aria-busy="true" role="status">
          Searching…
        </p>
      );
    case 'failed':
      return (
        <div className="notice error" role="alert">
          <p>Search failed: {search.message}</p>
          <button type="button" className="button small" onClick={onRetry}>
            Try again
          </button>
        </div>
      );
    case 'done':
      if (search.results.length === 0)
        return (
          <p className="empty" role="status">
            No article matches “{search.query.trim()}”.
          </p>
        );
      return (
        <>
          <p className="sr-only" role="status">
            {search.results.length === 1 ? '1 article' : `${search.results.length} articles`}
          </p>
          <ul className="cards knowledge-results">
            {search.results.map((result) => (
              <li key={result.articleId} className="card">
                <h3>{result.title}</h3>
                {result.resolvedBefore ? (
                  <p className="reason">{resolvedBeforeText(result.resolvedBefore)}</p>
                ) : null}
                <HighlightedPassage highlighted={result.highlighted} passage={result.passage} />
                <PassageActions
                  text={result.passage}
                  subject={{ kind: 'article', articleId: result.articleId }}
                  label={`passage from ${result.title}`}
                  onOpen={() =>
                    tools?.openArticle({ articleId: result.articleId, title: result.title })
                  }
                />
              </li>
            ))}
          </ul>
        </>
      );
  }
}

/** Why the learned ranker moved a result, in the words an agent reads on a card. */
export function resolvedBeforeText(resolved: NonNullable<SearchResult['resolvedBefore']>): string {
  const calls =
    resolved.conversations === 1 ? '1 conversation' : `${resolved.conversations} conversations`;
  return resolved.code
    ? `Agents used this for ${calls} wrapped up as ${humanize(resolved.code)}.`
    : `Agents used this for ${calls} like this one.`;
}
