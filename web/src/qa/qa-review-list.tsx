import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useSignedIn } from '../session.js';
import { useAgentNames } from '../agent-names.js';
import { Link } from '../router.js';
import { DataTable } from '../components/data-table.js';
import { CHANNEL_LABELS, humanize } from '../format.js';
import {
  getAgreement,
  listReviewable,
  type QaAgreement,
  type ReviewFilters,
  type ReviewListRow,
  type ReviewPage,
} from './qa-api.js';
import './qa-review-list.css';
import { criterionName, formatDateTime, percent, riskLevel } from './qa-format.js';

const PAGE_SIZE = 25;

interface FilterForm {
  agentId: string;
  from: string;
  to: string;
  disposition: string;
  minScore: string;
  maxScore: string;
  minChurnRisk: string;
}

const EMPTY_FORM: FilterForm = {
  agentId: '',
  from: '',
  to: '',
  disposition: '',
  minScore: '',
  maxScore: '',
  minChurnRisk: '',
};

/** The form speaks days and percentages; the API speaks ISO instants and 0..1. */
function toFilters(form: FilterForm, offset: number): ReviewFilters {
  const dayStart = (day: string, plusDays = 0) => {
    const date = new Date(`${day}T00:00:00`);
    date.setDate(date.getDate() + plusDays);
    return date.toISOString();
  };
  const share = (value: string) => (value === '' ? undefined : Number(value) / 100);
  return {
    agentId: form.agentId.trim() || undefined,
    from: form.from ? dayStart(form.from) : undefined,
    // "To" is inclusive for the reviewer: the whole of that day.
    to: form.to ? dayStart(form.to, 1) : undefined,
    disposition: form.disposition.trim() || undefined,
    minScore: share(form.minScore),
    maxScore: share(form.maxScore),
    minChurnRisk: form.minChurnRisk === '' ? undefined : Number(form.minChurnRisk),
    limit: PAGE_SIZE,
    offset,
  };
}

/** What `field()` hands a filter input: the form's value for it and how to change it. */
interface FieldBinding {
  value: string;
  onChange: (event: { target: { value: string } }) => void;
}

/** A free-text filter that suggests the values seen so far, sorted, each with its name if it has one. */
function SuggestingTextField({
  label,
  listId,
  placeholder,
  suggestions,
  nameOf,
  ...binding
}: FieldBinding & {
  label: string;
  listId: string;
  placeholder: string;
  suggestions: ReadonlySet<string>;
  nameOf?: (value: string) => string;
}) {
  return (
    <label>
      {label}
      <input type="text" list={listId} placeholder={placeholder} {...binding} />
      <datalist id={listId}>
        {[...suggestions].sort().map((value) => (
          <option key={value} value={value} label={nameOf?.(value)} />
        ))}
      </datalist>
    </label>
  );
}

/** One end of the QA score range, in whole percent (toFilters turns it into 0..1). */
function ScoreBoundField({ label, ...binding }: FieldBinding & { label: string }) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={0}
        max={100}
        step={5}
        inputMode="numeric"
        className="narrow"
        {...binding}
      />
    </label>
  );
}

function ScoreBar({ score }: { score: number }) {
  return (
    <span className="score-bar">
      <span className="bar" aria-hidden="true">
        <span style={{ width: `${Math.round(score * 100)}%` }} />
      </span>
      {percent(score)}
    </span>
  );
}

/** Once a reviewer changed a score, theirs is the score; the automatic one stays beside it. */
function QaScoreCell({ row }: { row: ReviewListRow }) {
  if (row.qaScore === null) return <span className="meta">Not scored</span>;
  if (row.reviewedScore === null) return <ScoreBar score={row.qaScore} />;
  return (
    <span className="reviewed-score">
      <ScoreBar score={row.reviewedScore} />
      <span className="score-note" title={`Automatic score ${percent(row.qaScore)}`}>
        auto {percent(row.qaScore)}
      </span>
    </span>
  );
}

function AgreementPanel({
  agreement,
  problem,
}: {
  agreement: QaAgreement | null;
  problem: string | null;
}) {
  const criteria = agreement ? Object.entries(agreement.byCriterion) : [];
  return (
    <section className="panel agreement" aria-labelledby="agreement-title">
      <h2 id="agreement-title">Agreement with automatic scores</h2>
      {problem ? (
        <p className="notice error" role="alert">
          Could not load the agreement figure: {problem}
        </p>
      ) : !agreement ? (
        <p className="meta">Loading…</p>
      ) : agreement.rate === null ? (
        <p className="agreement-figure">
          <strong>—</strong> <span className="meta">No criterion has been reviewed yet.</span>
        </p>
      ) : (
        <>
          <p className="agreement-figure">
            <strong>{percent(agreement.rate)}</strong>{' '}
            <span className="meta">
              {agreement.agreed} of {agreement.reviewed} reviewed criteria agreed
            </span>
          </p>
          <ul className="agreement-criteria">
            {criteria.map(([criterionId, entry]) => (
              <li key={criterionId}>
                <span>{criterionName(criterionId)}</span>
                <span className="numeric">
                  {entry.agreed}/{entry.reviewed}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Supervisors: finished conversations with their automatic QA score, one click from review. */
export function QaReviewList() {
  const { key } = useSignedIn();
  const agentName = useAgentNames();
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [applied, setApplied] = useState<FilterForm>(EMPTY_FORM);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ReviewPage | null>(null);
  const [agreement, setAgreement] = useState<QaAgreement | null>(null);
  const [agreementProblem, setAgreementProblem] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    listReviewable(key, toFilters(applied, offset))
      .then((next) => {
        if (cancelled) return;
        setPage(next);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setProblem(error instanceof Error ? error.message : 'The list could not be loaded.');
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [key, applied, offset]);

  useEffect(() => {
    let cancelled = false;
    getAgreement(key)
      .then((next) => {
        if (!cancelled) setAgreement(next);
      })
      .catch((error: unknown) => {
        // Said in its own panel: the list below may still load.
        if (!cancelled)
          setAgreementProblem(error instanceof Error ? error.message : 'try again later.');
      });
    return () => {
      cancelled = true;
    };
  }, [key]);

  // Suggestions for the free-text filters, from what has been seen so far.
  const [seen, setSeen] = useState<{ agents: Set<string>; dispositions: Set<string> }>(() => ({
    agents: new Set(),
    dispositions: new Set(),
  }));
  useEffect(() => {
    if (!page) return;
    setSeen((current) => {
      const agents = new Set(current.agents);
      const dispositions = new Set(current.dispositions);
      for (const row of page.conversations) {
        if (row.agentId) agents.add(row.agentId);
        for (const code of [row.disposition, row.suggestedDisposition])
          if (code) dispositions.add(code);
      }
      return { agents, dispositions };
    });
  }, [page]);

  const field = (name: keyof FilterForm) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) =>
      setForm((current) => ({ ...current, [name]: event.target.value })),
  });
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setOffset(0);
    setApplied(form);
  };
  const reset = () => {
    setForm(EMPTY_FORM);
    setOffset(0);
    setApplied(EMPTY_FORM);
  };
  const filtered = useMemo(() => Object.values(applied).some((value) => value !== ''), [applied]);

  const total = page?.total ?? 0;
  const rows = page?.conversations ?? [];
  const firstShown = total === 0 ? 0 : offset + 1;
  const lastShown = offset + rows.length;

  return (
    <div className="qa-review">
      <header className="page-header">
        <div>
          <h1>QA review</h1>
          <p className="subtitle">
            Finished conversations, scored automatically. Open one to check the evidence and correct
            a score.
          </p>
        </div>
      </header>

      <div className="review-top">
        <form className="filters" aria-label="Filters" onSubmit={apply}>
          <SuggestingTextField
            label="Agent"
            listId="qa-agents"
            placeholder="Any agent"
            suggestions={seen.agents}
            nameOf={agentName}
            {...field('agentId')}
          />
          <label>
            Ended from
            <input type="date" {...field('from')} />
          </label>
          <label>
            Ended to
            <input type="date" {...field('to')} />
          </label>
          <SuggestingTextField
            label="Disposition"
            listId="qa-dispositions"
            placeholder="Any code"
            suggestions={seen.dispositions}
            {...field('disposition')}
          />
          <ScoreBoundField label="QA score from (%)" {...field('minScore')} />
          <ScoreBoundField label="QA score to (%)" {...field('maxScore')} />
          <label>
            Churn risk
            <select {...field('minChurnRisk')}>
              <option value="">Any</option>
              <option value="0.3">Medium or high (≥ 30%)</option>
              <option value="0.6">High (≥ 60%)</option>
            </select>
          </label>
          <div className="filter-actions">
            <button type="submit" className="button primary">
              Apply filters
            </button>
            <button type="button" className="button ghost" onClick={reset} disabled={!filtered}>
              Reset
            </button>
          </div>
        </form>
        <AgreementPanel agreement={agreement} problem={agreementProblem} />
      </div>

      {problem ? (
        <p className="notice error" role="alert">
          Could not load the conversations: {problem}
        </p>
      ) : null}

      <div className="table-wrap">
        <DataTable
          className="conversations review-table"
          busy={loading}
          caption="Conversations to review"
          columns={[
            'Conversation',
            'Ended',
            'Agent',
            'Channel',
            'Disposition',
            'QA score',
            'Churn risk',
            'Reviewed',
          ]}
          rows={rows}
          empty={
            loading
              ? 'Loading…'
              : // After a failed load the list is unknown, not empty.
                problem && !page
                ? 'The conversations could not be loaded.'
                : filtered
                  ? 'No finished conversation matches these filters.'
                  : 'No conversation has finished yet.'
          }
          renderRow={(row) => {
            const risk = riskLevel(row.churnRisk);
            return (
              <tr key={row.id}>
                <th scope="row" className="conversation-cell">
                  <Link to={`/qa/conversations/${encodeURIComponent(row.id)}`}>
                    {row.externalId}
                  </Link>
                  {row.summary ? <p className="row-summary">{row.summary}</p> : null}
                </th>
                <td>{formatDateTime(row.endedAt)}</td>
                <td className="agent-cell">{agentName(row.agentId)}</td>
                <td>{CHANNEL_LABELS[row.channel] ?? row.channel}</td>
                <td>
                  {row.disposition ? (
                    humanize(row.disposition)
                  ) : row.suggestedDisposition ? (
                    <>
                      {humanize(row.suggestedDisposition)} <span className="meta">(suggested)</span>
                    </>
                  ) : (
                    <span className="meta">—</span>
                  )}
                </td>
                <td className="numeric qa-score">
                  <QaScoreCell row={row} />
                </td>
                <td className="numeric">
                  {row.churnRisk === null ? (
                    <span className="meta">—</span>
                  ) : (
                    <span className={`risk risk-${risk}`}>
                      {percent(row.churnRisk)} <span className="risk-word">{risk}</span>
                    </span>
                  )}
                </td>
                <td>
                  {row.reviewed ? (
                    <>
                      <span className="reviewed-badge">Reviewed</span>
                      {row.reviewers.length > 0 ? (
                        <span className="reviewers">by {row.reviewers.join(', ')}</span>
                      ) : null}
                    </>
                  ) : (
                    <span className="meta">Not yet</span>
                  )}
                </td>
              </tr>
            );
          }}
        />
      </div>

      <nav className="pagination" aria-label="Pages">
        <span className="meta" aria-live="polite">
          {problem && !page
            ? ''
            : total === 0
              ? 'No conversations'
              : `${firstShown}–${lastShown} of ${total}`}
        </span>
        <button
          type="button"
          className="button small"
          disabled={offset === 0 || loading}
          onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        >
          Previous
        </button>
        <button
          type="button"
          className="button small"
          disabled={lastShown >= total || loading}
          onClick={() => setOffset(offset + PAGE_SIZE)}
        >
          Next
        </button>
      </nav>
    </div>
  );
}
