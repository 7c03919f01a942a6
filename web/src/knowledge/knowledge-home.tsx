import { useEffect, useState, type FormEvent } from 'react';
import { useSignedIn } from '../session.js';
import { Link } from '../router.js';
import { HighlightedPassage } from '../components/highlighted-passage.js';
import {
  listArticles,
  listGaps,
  searchKnowledge,
  type ArticleSummary,
  type KnowledgeGap,
  type SearchResult,
} from './knowledge-api.js';
import { STATUS_LABELS, formatDate, formatDay, helpfulness } from './knowledge-format.js';
import { LanguageSelect } from './language-select.js';
import { languageName } from '../format.js';

const message = (error: unknown, fallback: string) =>
  error instanceof Error ? error.message : fallback;

interface ArticleFilters {
  status: string;
  tag: string;
  language: string;
  q: string;
}

const NO_FILTERS: ArticleFilters = { status: '', tag: '', language: '', q: '' };

function ArticlesTable() {
  const { key } = useSignedIn();
  const [form, setForm] = useState<ArticleFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<ArticleFilters>(NO_FILTERS);
  const [articles, setArticles] = useState<ArticleSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    listArticles(key, applied)
      .then((next) => {
        if (cancelled) return;
        setArticles(next);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(message(error, 'The articles could not be loaded.'));
      });
    return () => {
      cancelled = true;
    };
  }, [key, applied]);

  const field = (name: keyof ArticleFilters) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) =>
      setForm((current) => ({ ...current, [name]: event.target.value })),
  });
  const filtered = Object.values(applied).some(Boolean);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setApplied(form);
  };

  return (
    <section aria-labelledby="articles-title">
      <h2 id="articles-title" className="sr-only">
        Articles
      </h2>
      <form className="filters" aria-label="Article filters" onSubmit={submit}>
        <label>
          Search titles
          <input type="text" placeholder="Words in the title or body" {...field('q')} />
        </label>
        <label>
          Status
          <select {...field('status')}>
            <option value="">Any status</option>
            <option value="draft">Draft</option>
            <option value="published">Published</option>
            <option value="retired">Retired</option>
          </select>
        </label>
        <label>
          Tag
          <input type="text" className="narrow-text" placeholder="Any tag" {...field('tag')} />
        </label>
        <label>
          Language
          <LanguageSelect anyLabel="Any language" {...field('language')} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button ghost"
            disabled={!filtered}
            onClick={() => {
              setForm(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          >
            Reset
          </button>
        </div>
      </form>
      {problem ? (
        <p className="notice error" role="alert">
          Could not load the articles: {problem}
        </p>
      ) : null}
      <div className="table-wrap articles-wrap">
        <table className="conversations articles-table" aria-busy={articles === null || undefined}>
          <caption className="sr-only">Knowledge articles</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Tags</th>
              <th scope="col">Updated</th>
              <th scope="col" className="numeric">
                Shown
              </th>
              <th scope="col" className="numeric">
                Used
              </th>
              <th scope="col">Helpful</th>
              <th scope="col" className="numeric">
                Dismissed
              </th>
            </tr>
          </thead>
          <tbody>
            {!articles || articles.length === 0 ? (
              <tr>
                <td colSpan={8} className="empty">
                  {!articles
                    ? problem
                      ? 'The articles could not be loaded.'
                      : 'Loading…'
                    : filtered
                      ? 'No article matches these filters.'
                      : 'There are no articles yet. Write the first one.'}
                </td>
              </tr>
            ) : (
              articles.map((article) => {
                const rate = helpfulness(article.usage);
                const votes = article.usage.helpful + article.usage.notHelpful;
                return (
                  <tr key={article.id}>
                    <th scope="row" className="title-cell">
                      <Link to={`/knowledge/articles/${encodeURIComponent(article.id)}`}>
                        {article.title}
                      </Link>
                      <span className="meta owner">
                        {languageName(article.language)} · v{article.version}
                        {article.owner ? ` · ${article.owner}` : ''}
                      </span>
                    </th>
                    <td>
                      <span className={`article-status status-${article.status}`}>
                        {STATUS_LABELS[article.status] ?? article.status}
                      </span>
                    </td>
                    <td className="tags-cell">
                      {article.tags.length === 0 ? (
                        <span className="meta">—</span>
                      ) : (
                        article.tags.map((tag) => (
                          <span key={tag} className="tag">
                            {tag}
                          </span>
                        ))
                      )}
                    </td>
                    <td>
                      <time dateTime={article.updatedAt} title={formatDate(article.updatedAt)}>
                        {formatDay(article.updatedAt)}
                      </time>
                    </td>
                    <td className="numeric">{article.usage.shown}</td>
                    <td className="numeric">{article.usage.used}</td>
                    <td className="numeric">
                      {rate === null ? (
                        <span className="meta">no votes</span>
                      ) : (
                        <span className={rate >= 0.5 ? 'helpful-good' : 'helpful-poor'}>
                          {Math.round(rate * 100)}%{' '}
                          <span className="meta">
                            ({article.usage.helpful}/{votes})
                          </span>
                        </span>
                      )}
                    </td>
                    <td className="numeric">{article.usage.dismissed}</td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TryQuery() {
  const { key } = useSignedIn();
  const [text, setText] = useState('');
  const [language, setLanguage] = useState('');
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'searching' }
    | { status: 'done'; query: string; results: SearchResult[] }
    | { status: 'failed'; message: string }
  >({ status: 'idle' });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const q = text.trim();
    if (!q) return;
    setState({ status: 'searching' });
    try {
      const results = await searchKnowledge(key, {
        q,
        limit: 5,
        ...(language.trim() ? { language: language.trim() } : {}),
      });
      setState({ status: 'done', query: q, results });
    } catch (error) {
      setState({ status: 'failed', message: message(error, 'The search failed.') });
    }
  }

  return (
    <section className="panel try-query" aria-labelledby="try-query-title">
      <h2 id="try-query-title">Try a query</h2>
      <p className="meta">
        Ask what a customer would ask; these are the passages an agent would be shown.
      </p>
      <form className="query-form" role="search" onSubmit={(event) => void submit(event)}>
        <label htmlFor="try-query-text" className="sr-only">
          Query
        </label>
        <input
          id="try-query-text"
          type="search"
          placeholder="e.g. I was charged twice"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <label htmlFor="try-query-language" className="sr-only">
          Language
        </label>
        <LanguageSelect
          id="try-query-language"
          anyLabel="Any language"
          value={language}
          onChange={(event) => setLanguage(event.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          disabled={state.status === 'searching' || !text.trim()}
        >
          {state.status === 'searching' ? 'Searching…' : 'Search'}
        </button>
      </form>
      <div aria-live="polite">
        {state.status === 'failed' ? (
          <p className="notice error" role="alert">
            {state.message}
          </p>
        ) : state.status === 'done' ? (
          state.results.length === 0 ? (
            <p className="empty">
              Nothing in the published articles answers “{state.query}”. That is a gap worth
              filling.
            </p>
          ) : (
            <ol className="cards search-results" aria-label="Search results">
              {state.results.map((result, index) => (
                <li key={`${result.articleId}-${index}`} className="card">
                  <h3>
                    <Link to={`/knowledge/articles/${encodeURIComponent(result.articleId)}`}>
                      {result.title}
                    </Link>{' '}
                    <span className="meta">score {result.score.toFixed(2)}</span>
                  </h3>
                  <HighlightedPassage highlighted={result.highlighted} passage={result.passage} />
                </li>
              ))}
            </ol>
          )
        ) : null}
      </div>
    </section>
  );
}

function Gaps() {
  const { key } = useSignedIn();
  const [gaps, setGaps] = useState<KnowledgeGap[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    listGaps(key)
      .then((next) => {
        if (!cancelled) setGaps(next);
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(message(error, 'The gaps could not be loaded.'));
      });
    return () => {
      cancelled = true;
    };
  }, [key]);
  return (
    <section className="panel gaps" aria-labelledby="gaps-title">
      <h2 id="gaps-title">Knowledge gaps</h2>
      <p className="meta">Questions customers asked that no article answered well.</p>
      {problem ? (
        <p className="notice error" role="alert">
          Could not load the knowledge gaps: {problem}
        </p>
      ) : !gaps ? (
        <p className="empty">Loading…</p>
      ) : gaps.length === 0 ? (
        <p className="empty">No gaps found: the articles covered what customers asked.</p>
      ) : (
        <ul className="cards">
          {gaps.map((gap) => (
            <li key={gap.topic} className="card gap">
              <h3>
                {gap.topic}{' '}
                <span className="meta">
                  · asked {gap.count} {gap.count === 1 ? 'time' : 'times'}
                </span>
              </h3>
              {gap.examples.length > 0 ? (
                <ul className="examples">
                  {gap.examples.map((example) => (
                    <li key={example}>“{example}”</li>
                  ))}
                </ul>
              ) : null}
              <Link
                to={`/knowledge/articles/new?title=${encodeURIComponent(gap.topic)}`}
                className="button small"
              >
                Write an article
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Knowledge managers: the articles with how they are used, what is missing, and a search to try. */
export function KnowledgeHome() {
  return (
    <div className="knowledge">
      <header className="page-header">
        <div>
          <h1>Knowledge</h1>
          <p className="subtitle">
            Articles agents are shown during conversations, how often they help, and what is
            missing.
          </p>
        </div>
        <Link to="/knowledge/articles/new" className="button primary">
          New article
        </Link>
      </header>
      <ArticlesTable />
      <div className="knowledge-grid">
        <TryQuery />
        <Gaps />
      </div>
    </div>
  );
}
