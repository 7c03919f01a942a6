import { useEffect, useMemo, useState } from 'react';
import { deriveView, type ConversationsState } from '../live/conversation-state.js';
import { listReviewable, type ReviewListRow } from '../qa/qa-api.js';
import { percent, riskLevel } from '../qa/qa-format.js';
import { Link } from '../router.js';
import { DataTable } from '../components/data-table.js';
import { humanize } from '../format.js';

/** How long an ended call stays on the board, and how many at most. */
export const ENDED_WINDOW_MS = 30 * 60_000;
export const ENDED_LIMIT = 20;

/** One recently ended call with its wrap-up, from the review list or, until it has it, live. */
export interface EndedCall {
  id: string;
  externalId: string;
  agentId: string | null;
  endedAt: string;
  summary: string | null;
  disposition: { code: string; confirmed: boolean } | null;
  churnRisk: number | null;
  qaScore: number | null;
  /** Set once a reviewer changed a score; the automatic one stays in qaScore. */
  reviewedScore: number | null;
  /** Still wrapping up: some steps may not have arrived. */
  pending: boolean;
}

/** The summary's first sentence (English or Chinese punctuation), as one line of a table. */
export function firstSentence(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  const end = line.search(/[.!?](\s|$)|[。！？]/);
  return end === -1 ? line : line.slice(0, end + 1);
}

function fromReviewRow(row: ReviewListRow): EndedCall {
  const code = row.disposition ?? row.suggestedDisposition;
  return {
    id: row.id,
    externalId: row.externalId,
    agentId: row.agentId,
    endedAt: row.endedAt ?? row.startedAt,
    summary: row.summary,
    disposition: code ? { code, confirmed: row.disposition !== null } : null,
    churnRisk: row.churnRisk,
    qaScore: row.qaScore,
    reviewedScore: row.reviewedScore,
    pending: false,
  };
}

/** A call that ended while the board was open: its wrap-up as the step events arrive. */
function fromLive(state: ConversationsState[string]): EndedCall | null {
  const record = state.record;
  if (!record || record.status !== 'ended') return null;
  const { wrapup } = deriveView(state);
  return {
    id: record.id,
    externalId: record.externalId,
    agentId: record.agentId,
    endedAt: record.endedAt ?? record.startedAt,
    summary: wrapup.summary?.narrative ?? null,
    disposition: wrapup.disposition
      ? { code: wrapup.disposition.suggested, confirmed: false }
      : null,
    churnRisk: wrapup.churn?.risk ?? null,
    qaScore: wrapup.qa?.overall ?? null,
    reviewedScore: null,
    pending: !state.events.some((event) => event.type === 'wrapup-complete'),
  };
}

/**
 * Calls ended in the last half hour: loaded from the review list on start and again whenever a
 * wrap-up completes on the socket (the list then has the stored summary, code and scores); a
 * call that ended since shows its live wrap-up meanwhile.
 */
export function useEndedCalls(key: string, live: ConversationsState, now: number) {
  const [rows, setRows] = useState<ReviewListRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const completed = useMemo(
    () =>
      Object.values(live).filter((state) =>
        state.events.some((event) => event.type === 'wrapup-complete'),
      ).length,
    [live],
  );
  useEffect(() => {
    let cancelled = false;
    listReviewable(key, {
      from: new Date(Date.now() - ENDED_WINDOW_MS).toISOString(),
      limit: ENDED_LIMIT,
      offset: 0,
    }).then(
      (page) => {
        if (cancelled) return;
        setRows(page.conversations);
        setProblem(null);
      },
      (error: unknown) => {
        if (!cancelled)
          setProblem(
            error instanceof Error ? error.message : 'The ended calls could not be loaded.',
          );
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, completed]);

  const calls = useMemo(() => {
    const byId = new Map<string, EndedCall>();
    for (const state of Object.values(live)) {
      const call = fromLive(state);
      if (call) byId.set(call.id, call);
    }
    for (const row of rows ?? []) byId.set(row.id, fromReviewRow(row));
    return [...byId.values()]
      .filter((call) => now - Date.parse(call.endedAt) <= ENDED_WINDOW_MS)
      .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
      .slice(0, ENDED_LIMIT);
  }, [live, rows, now]);
  return { calls, loading: rows === null && problem === null, problem };
}

function ScoreCell({ call }: { call: EndedCall }) {
  if (call.qaScore === null)
    return <span className="meta">{call.pending ? '…' : 'Not scored'}</span>;
  const link = `/qa/conversations/${encodeURIComponent(call.id)}`;
  // The visible text is the accessible name: the column header says it is the QA score.
  if (call.reviewedScore === null)
    return (
      <Link to={link} title="Open the QA review">
        {percent(call.qaScore)}
      </Link>
    );
  return (
    <Link to={link} title="Open the QA review">
      {percent(call.reviewedScore)} <span className="reviewed-mark">reviewed</span>{' '}
      <span className="meta">(auto {percent(call.qaScore)})</span>
    </Link>
  );
}

/** The board's "Recently ended" table. */
export function EndedCalls({
  calls,
  loading,
  problem,
  agentName,
}: ReturnType<typeof useEndedCalls> & { agentName: (agentId: string | null) => string }) {
  return (
    <section className="ended-calls" aria-labelledby="ended-title">
      <h2 id="ended-title">Recently ended</h2>
      {problem ? (
        <p className="notice error" role="alert">
          Could not load the ended calls: {problem}
        </p>
      ) : null}
      <div className="table-wrap">
        <DataTable
          className="conversations ended-table"
          caption="Calls ended in the last 30 minutes"
          busy={loading}
          columns={[
            'Conversation',
            'Agent',
            'Ended',
            'Summary',
            'Wrap-up code',
            'Churn risk',
            'QA score',
          ]}
          rows={calls}
          empty={
            loading
              ? 'Loading…'
              : problem
                ? 'The ended calls could not be loaded.'
                : 'No call has ended in the last 30 minutes.'
          }
          renderRow={(call) => {
            const level = riskLevel(call.churnRisk);
            return (
              <tr key={call.id}>
                <th scope="row">
                  <Link to={`/supervisor/conversations/${encodeURIComponent(call.id)}`}>
                    {call.externalId}
                  </Link>
                </th>
                <td className="agent-cell">{agentName(call.agentId)}</td>
                <td className="numeric">
                  {new Date(call.endedAt).toLocaleTimeString(undefined, { timeStyle: 'short' })}
                </td>
                <td className="summary-cell" title={call.summary ?? undefined}>
                  {call.summary ? (
                    firstSentence(call.summary)
                  ) : (
                    <span className="meta">{call.pending ? 'Wrapping up…' : '—'}</span>
                  )}
                </td>
                <td>
                  {call.disposition ? (
                    <>
                      {humanize(call.disposition.code)}
                      {call.disposition.confirmed ? null : (
                        <span className="meta"> (suggested)</span>
                      )}
                    </>
                  ) : (
                    <span className="meta">—</span>
                  )}
                </td>
                <td className="numeric">
                  {call.churnRisk === null ? (
                    <span className="meta">—</span>
                  ) : (
                    <span className={`risk risk-${level}`}>
                      {percent(call.churnRisk)} <span className="risk-word">{level}</span>
                    </span>
                  )}
                </td>
                <td className="numeric">
                  <ScoreCell call={call} />
                </td>
              </tr>
            );
          }}
        />
      </div>
    </section>
  );
}
