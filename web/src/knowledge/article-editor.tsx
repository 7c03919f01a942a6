import { useEffect, useState, type FormEvent } from 'react';
import { useSignedIn } from '../session.js';
import { Link, navigate } from '../router.js';
import { DataTable } from '../components/data-table.js';
import { FormField } from '../components/form-field.js';
import {
  changeArticleStatus,
  createArticle,
  getArticle,
  updateArticle,
  type Article,
  type ArticleVersion,
} from './knowledge-api.js';
import { STATUS_LABELS, formatDate, parseTags } from './knowledge-format.js';
import { Markdown } from './markdown.js';
import { LanguageSelect } from './language-select.js';

const message = (error: unknown, fallback: string) =>
  error instanceof Error ? error.message : fallback;

interface Draft {
  title: string;
  body: string;
  tags: string;
  language: string;
}

const draftOf = (article: Article): Draft => ({
  title: article.title,
  body: article.body,
  tags: article.tags.join(', '),
  language: article.language,
});

/**
 * Writes and edits one article: Markdown on the left, the preview an agent would read on the
 * right. Every save is a new version; publishing makes it searchable, retiring hides it.
 */
export function ArticleEditor({ id }: { id: string | null }) {
  const { key } = useSignedIn();
  const [article, setArticle] = useState<Article | null>(null);
  const [versions, setVersions] = useState<ArticleVersion[]>([]);
  const [draft, setDraft] = useState<Draft>(() => ({
    title: id ? '' : (new URLSearchParams(window.location.search).get('title') ?? ''),
    body: '',
    tags: '',
    language: 'en',
  }));
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'save' | 'publish' | 'retire'>(null);
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    getArticle(key, id)
      .then((loaded) => {
        if (cancelled) return;
        setArticle(loaded.article);
        setVersions(loaded.versions);
        setDraft(draftOf(loaded.article));
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadProblem(message(error, 'The article could not be loaded.'));
      });
    return () => {
      cancelled = true;
    };
  }, [key, id]);

  const dirty =
    !article ||
    draft.title !== article.title ||
    draft.body !== article.body ||
    draft.tags !== article.tags.join(', ') ||
    draft.language !== article.language;
  const canSave = draft.title.trim() !== '' && draft.body.trim() !== '' && dirty;

  async function refreshVersions(articleId: string) {
    try {
      setVersions((await getArticle(key, articleId)).versions);
    } catch {
      // The article itself is saved; the versions list catches up on the next load.
    }
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canSave) return;
    setBusy('save');
    setOutcome(null);
    const input = {
      title: draft.title.trim(),
      body: draft.body,
      tags: parseTags(draft.tags),
      language: draft.language.trim() || 'en',
    };
    try {
      if (article) {
        const saved = await updateArticle(key, article.id, input);
        setArticle(saved);
        setDraft(draftOf(saved));
        await refreshVersions(saved.id);
        setOutcome({ kind: 'ok', text: `Saved as version ${saved.version}.` });
      } else {
        const created = await createArticle(key, { ...input, status: 'draft' });
        navigate(`/knowledge/articles/${encodeURIComponent(created.id)}`, { replace: true });
        return;
      }
    } catch (error) {
      setOutcome({ kind: 'error', text: `Not saved: ${message(error, 'try again.')}` });
    }
    setBusy(null);
  }

  async function change(action: 'publish' | 'retire') {
    if (!article) return;
    setBusy(action);
    setOutcome(null);
    try {
      const changed = await changeArticleStatus(key, article.id, action);
      setArticle(changed);
      await refreshVersions(changed.id);
      setOutcome({
        kind: 'ok',
        text:
          action === 'publish'
            ? 'Published: agents can be shown this article now.'
            : 'Retired: agents will no longer be shown this article.',
      });
    } catch (error) {
      setOutcome({ kind: 'error', text: message(error, `Could not ${action} the article.`) });
    }
    setBusy(null);
  }

  const field = (name: keyof Draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) =>
      setDraft((current) => ({ ...current, [name]: event.target.value })),
  });

  if (id && loadProblem)
    return (
      <div className="article-editor">
        <p className="breadcrumbs">
          <Link to="/knowledge">← Knowledge</Link>
        </p>
        <p className="notice error" role="alert">
          Could not load this article: {loadProblem}
        </p>
      </div>
    );
  if (id && !article) return <p className="empty">Loading…</p>;

  return (
    <div className="article-editor">
      <p className="breadcrumbs">
        <Link to="/knowledge">← Knowledge</Link>
      </p>
      <header className="page-header">
        <div>
          <h1>{article ? article.title : 'New article'}</h1>
          <p className="subtitle">
            {article ? (
              <>
                <span className={`article-status status-${article.status}`}>
                  {STATUS_LABELS[article.status] ?? article.status}
                </span>{' '}
                · version {article.version} · updated {formatDate(article.updatedAt)}
                {article.owner ? ` · owner ${article.owner}` : ''}
              </>
            ) : (
              'Saved as a draft first; publish it when it is ready for agents.'
            )}
          </p>
        </div>
        {article ? (
          <div className="actions">
            <button
              type="button"
              className="button primary"
              disabled={busy !== null || article.status === 'published' || dirty}
              title={dirty ? 'Save your changes before publishing' : undefined}
              onClick={() => void change('publish')}
            >
              {busy === 'publish' ? 'Publishing…' : 'Publish'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== null || article.status === 'retired'}
              onClick={() => void change('retire')}
            >
              {busy === 'retire' ? 'Retiring…' : 'Retire'}
            </button>
          </div>
        ) : null}
      </header>
      {outcome ? (
        <p
          className={outcome.kind === 'ok' ? 'notice success' : 'notice error'}
          role={outcome.kind === 'ok' ? 'status' : 'alert'}
        >
          {outcome.text}
        </p>
      ) : null}

      <div className="editor-grid">
        <form className="panel editor-form" onSubmit={(event) => void save(event)}>
          <FormField id="article-title" label="Title">
            {(control) => <input {...control} type="text" required {...field('title')} />}
          </FormField>
          <div className="editor-row">
            <div>
              <FormField id="article-tags" label="Tags" hint="Separate tags with commas.">
                {(control) => (
                  <input
                    {...control}
                    type="text"
                    placeholder="billing, refunds"
                    {...field('tags')}
                  />
                )}
              </FormField>
            </div>
            <div>
              <FormField id="article-language" label="Language">
                {(control) => <LanguageSelect {...control} {...field('language')} />}
              </FormField>
            </div>
          </div>
          <FormField
            id="article-body"
            label="Body (Markdown)"
            hint="# Heading, **bold**, *italic*, - lists, 1. numbered lists, [link](https://…)."
          >
            {(control) => (
              <textarea
                {...control}
                className="markdown-input"
                rows={18}
                spellCheck
                {...field('body')}
              />
            )}
          </FormField>
          <div className="actions">
            <button type="submit" className="button primary" disabled={!canSave || busy !== null}>
              {busy === 'save' ? 'Saving…' : article ? 'Save new version' : 'Save draft'}
            </button>
            {article && dirty ? (
              <button
                type="button"
                className="button ghost"
                onClick={() => setDraft(draftOf(article))}
              >
                Discard changes
              </button>
            ) : null}
          </div>
        </form>
        <section className="panel preview" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <article className="markdown" aria-live="off">
            {draft.title.trim() ? <h1 className="preview-title">{draft.title}</h1> : null}
            {draft.body.trim() ? (
              <Markdown source={draft.body} />
            ) : (
              <p className="empty">The article as agents will read it appears here.</p>
            )}
          </article>
        </section>
      </div>

      {article ? (
        <section className="panel versions" aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          {versions.length === 0 ? (
            <p className="empty">No earlier versions.</p>
          ) : (
            <DataTable
              className="versions-table"
              caption="Versions of this article"
              columns={['Version', 'Title', 'Status', 'Changed by', 'When']}
              rows={[...versions].sort(
                (a, b) =>
                  b.version - a.version || Date.parse(b.changedAt) - Date.parse(a.changedAt),
              )}
              renderRow={(version, index) => (
                <tr key={`${version.version}-${version.changedAt}-${index}`}>
                  <td className="numeric">v{version.version}</td>
                  <td>{version.title}</td>
                  <td>{STATUS_LABELS[version.status] ?? version.status}</td>
                  <td>{version.changedBy ?? '—'}</td>
                  <td>{formatDate(version.changedAt)}</td>
                </tr>
              )}
            />
          )}
        </section>
      ) : null}
    </div>
  );
}
