import type { ReactNode } from 'react';
import type { ConversationView, TranscriptLine } from '../live/conversation-state.js';
import type { ConversationRecord, HelpRequest } from '../live/types.js';
import { conversationDuration, humanize, notAvailableIn } from '../format.js';
import { percent, riskLevel } from '../qa/qa-format.js';

/** One live conversation on the board, with what its cells read. */
export interface BoardRow {
  id: string;
  record: ConversationRecord;
  view: ConversationView;
  agentName: string;
  lastLine: TranscriptLine | null;
  /** The call's help requests, oldest first (escalation/help-view.ts). */
  help: readonly HelpRequest[];
}

/** Requests nobody has taken yet: the supervisor's to answer. */
const waitingForHelp = (row: BoardRow) =>
  row.help.filter((request) => request.takenBy === null && request.resolvedAt === null).length;

/** Requests being worked on: taken, not yet closed. */
const beingHelped = (row: BoardRow) =>
  row.help.filter((request) => request.takenBy !== null && request.resolvedAt === null).length;

export type SortValue = number | string | null;

/**
 * One column of the live board: a header, what it sorts by (none: not sortable) and its cell.
 * Adding a column is one entry in BOARD_COLUMNS.
 */
export interface BoardColumn {
  id: string;
  label: string;
  sortValue?: (row: BoardRow, now: number) => SortValue;
  /** Sorting a column first puts its highest values on top (risk, alerts) or its lowest. */
  firstDirection?: 'ascending' | 'descending';
  className?: string;
  cell: (row: BoardRow, now: number) => ReactNode;
}

const TREND_ARROWS: Record<string, string> = { improving: '↗', worsening: '↘', steady: '→' };

/** The customer's mood counts as negative below this moving average (scores run −1 … 1). */
export const NEGATIVE_MOOD_BELOW = -0.25;

const dash = <span className="meta">—</span>;

/** The customer's latest utterance, else anyone's: what the call is about right now. */
export function lastSpokenLine(view: ConversationView): TranscriptLine | null {
  const spoken = view.lines.filter((line) => line.kind !== 'action');
  return (
    spoken.findLast((line) => line.speaker === 'customer' && line.kind === 'utterance') ??
    spoken.at(-1) ??
    null
  );
}

/** Why a supervisor should look at this call now; empty when nothing stands out. */
export function attentionReasons(row: BoardRow): string[] {
  const reasons: string[] = [];
  const { view } = row;
  if (waitingForHelp(row) > 0) reasons.push('help requested');
  if (view.alerts.length > 0) reasons.push('alerts');
  if (riskLevel(view.health?.churnRisk) === 'high') reasons.push('high churn risk');
  // Worsening from a good start is not yet negative; below zero and falling is.
  const mood = view.customerSentiment;
  if (mood !== null && (mood < NEGATIVE_MOOD_BELOW || (mood < 0 && view.trend === 'worsening')))
    reasons.push('negative mood');
  return reasons;
}

function unavailableOr(view: ConversationView, analyzer: string, shown: ReactNode): ReactNode {
  const language = view.unavailable[analyzer];
  return language ? <span className="meta">{notAvailableIn(language)}</span> : shown;
}

function moodCell({ view }: BoardRow): ReactNode {
  if (!view.trend) return unavailableOr(view, 'sentiment', dash);
  const mood = view.customerSentiment;
  return unavailableOr(
    view,
    'sentiment',
    <span
      className={`trend trend-${view.trend}`}
      title={mood === null ? undefined : `Customer mood ${mood.toFixed(2)} (−1 … 1)`}
    >
      <span aria-hidden="true">{TREND_ARROWS[view.trend]} </span>
      {view.trend}
    </span>,
  );
}

function churnCell({ view }: BoardRow): ReactNode {
  const health = view.health;
  if (!health) return unavailableOr(view, 'customer-health', dash);
  const level = riskLevel(health.churnRisk);
  const change = health.churnRiskChange;
  return (
    <span className={`risk risk-${level}`} title={health.churnReasons.join('; ') || undefined}>
      {percent(health.churnRisk)} <span className="risk-word">{level}</span>
      {change !== 0 ? (
        <span className="risk-change" aria-label={change > 0 ? 'rising' : 'falling'}>
          {change > 0 ? ' ▲' : ' ▼'}
        </span>
      ) : null}
    </span>
  );
}

function csatCell({ view }: BoardRow): ReactNode {
  if (!view.health) return unavailableOr(view, 'customer-health', dash);
  const csat = view.health.csat;
  const tone = csat < 2.5 ? 'low' : csat >= 4 ? 'high' : 'medium';
  return <span className={`csat csat-${tone}`}>{csat.toFixed(1)} / 5</span>;
}

function lastLineCell({ lastLine }: BoardRow): ReactNode {
  if (!lastLine) return dash;
  // The customer's words are the usual case; only another speaker's line is labelled.
  const who = lastLine.speaker && lastLine.speaker !== 'customer' ? humanize(lastLine.speaker) : '';
  return (
    <span className="last-line" title={lastLine.text}>
      {who ? <span className="last-line-speaker">{who}: </span> : null}
      <span lang={/[\u3400-\u9fff]/.test(lastLine.text) ? 'zh' : undefined}>{lastLine.text}</span>
    </span>
  );
}

function helpCell(row: BoardRow): ReactNode {
  const waiting = waitingForHelp(row);
  if (waiting > 0) return <span className="help-waiting">Waiting</span>;
  const helping = row.help.findLast((request) => request.takenBy && !request.resolvedAt);
  if (helping?.takenBy) return <span>{helping.takenBy.name}</span>;
  return row.help.length > 0 ? <span className="meta">Resolved</span> : dash;
}

function alertsCell({ view }: BoardRow): ReactNode {
  const count = view.alerts.length;
  if (count === 0) return '0';
  const latest = view.alerts.at(-1)?.title ?? '';
  return (
    <span className="alerts-cell" title={latest}>
      <span className="alert-count" aria-label={`${count} alerts`}>
        {count}
      </span>
      <span className="alert-title">{latest}</span>
    </span>
  );
}

/** The board's columns after the conversation itself (the row header), in screen order. */
export const BOARD_COLUMNS: readonly BoardColumn[] = [
  {
    id: 'agent',
    label: 'Agent',
    sortValue: (row) => row.agentName,
    className: 'agent-cell',
    cell: (row) => row.agentName,
  },
  {
    id: 'duration',
    label: 'Duration',
    sortValue: (row, now) => now - Date.parse(row.record.startedAt),
    firstDirection: 'descending',
    className: 'numeric',
    cell: (row, now) => conversationDuration(row.record, now),
  },
  {
    id: 'intent',
    label: 'Intent',
    sortValue: (row) => row.view.intent,
    cell: ({ view }) => unavailableOr(view, 'intent', view.intent ? humanize(view.intent) : dash),
  },
  {
    id: 'mood',
    label: 'Mood',
    sortValue: (row) => row.view.customerSentiment,
    cell: moodCell,
  },
  {
    id: 'churn',
    label: 'Churn risk',
    sortValue: (row) => row.view.health?.churnRisk ?? null,
    firstDirection: 'descending',
    className: 'numeric',
    cell: churnCell,
  },
  {
    id: 'csat',
    label: 'CSAT',
    sortValue: (row) => row.view.health?.csat ?? null,
    className: 'numeric',
    cell: csatCell,
  },
  { id: 'last-line', label: 'Last line', className: 'last-line-cell', cell: lastLineCell },
  {
    id: 'alerts',
    label: 'Alerts',
    sortValue: (row) => row.view.alerts.length,
    firstDirection: 'descending',
    className: 'numeric',
    cell: alertsCell,
  },
  {
    id: 'help',
    label: 'Help',
    // Waiting first, then those being helped, then the rest.
    sortValue: (row) => waitingForHelp(row) * 2 + beingHelped(row),
    firstDirection: 'descending',
    cell: helpCell,
  },
];

/** Compares two rows by a column; rows without a value go last whichever the direction. */
export function compareBy(
  column: BoardColumn,
  direction: 'ascending' | 'descending',
  now: number,
): (a: BoardRow, b: BoardRow) => number {
  const value = column.sortValue ?? (() => null);
  return (a, b) => {
    const left = value(a, now);
    const right = value(b, now);
    if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
    const order =
      typeof left === 'number' && typeof right === 'number'
        ? left - right
        : String(left).localeCompare(String(right));
    return direction === 'ascending' ? order : -order;
  };
}

/** Does the row match the search text (agent, customer, intent, last line, conversation)? */
export function matchesSearch(row: BoardRow, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase();
  if (!needle) return true;
  return [
    row.agentName,
    row.record.customerId,
    row.record.externalId,
    row.view.intent,
    row.view.intent ? humanize(row.view.intent) : null,
    row.lastLine?.text,
  ].some((value) => value?.toLocaleLowerCase().includes(needle));
}
