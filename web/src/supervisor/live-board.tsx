import { useState, type ReactNode } from 'react';
import { Link } from '../router.js';
import { CHANNEL_LABELS } from '../format.js';
import {
  attentionReasons,
  BOARD_COLUMNS,
  compareBy,
  matchesSearch,
  type BoardColumn,
  type BoardRow,
} from './board-columns.js';

type Direction = 'ascending' | 'descending';

function SortableHeader({
  column,
  sorted,
  onSort,
}: {
  column: BoardColumn;
  sorted: Direction | null;
  onSort: () => void;
}) {
  if (!column.sortValue)
    return (
      <th scope="col" className={column.className}>
        {column.label}
      </th>
    );
  return (
    <th scope="col" className={column.className} aria-sort={sorted ?? 'none'}>
      <button type="button" className="sort-button" onClick={onSort}>
        {column.label}
        <span className="sort-arrow" aria-hidden="true">
          {sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ' ↕'}
        </span>
      </button>
    </th>
  );
}

/** The live calls, one row each: sortable by any column with a value, filtered by the page. */
export function LiveBoard({
  rows,
  search,
  attentionOnly,
  now,
  empty,
}: {
  rows: readonly BoardRow[];
  search: string;
  attentionOnly: boolean;
  now: number;
  empty: ReactNode;
}) {
  const [sort, setSort] = useState<{ id: string; direction: Direction } | null>(null);
  const sortColumn = sort ? BOARD_COLUMNS.find((column) => column.id === sort.id) : undefined;
  const shown = rows.filter(
    (row) => matchesSearch(row, search) && (!attentionOnly || attentionReasons(row).length > 0),
  );
  // Without a chosen column the board keeps the order calls started in.
  if (sort && sortColumn) shown.sort(compareBy(sortColumn, sort.direction, now));

  const toggle = (column: BoardColumn) =>
    setSort((current) =>
      current?.id === column.id
        ? {
            id: column.id,
            direction: current.direction === 'ascending' ? 'descending' : 'ascending',
          }
        : { id: column.id, direction: column.firstDirection ?? 'ascending' },
    );

  return (
    <div className="table-wrap live-board-wrap">
      <table className="conversations live-board">
        <caption className="sr-only">Active conversations</caption>
        <thead>
          <tr>
            <th scope="col">Conversation</th>
            {BOARD_COLUMNS.map((column) => (
              <SortableHeader
                key={column.id}
                column={column}
                sorted={sort?.id === column.id ? sort.direction : null}
                onSort={() => toggle(column)}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={BOARD_COLUMNS.length + 1} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            shown.map((row) => {
              const reasons = attentionReasons(row);
              return (
                <tr
                  key={row.id}
                  data-conversation={row.record.externalId}
                  className={
                    [
                      row.view.alerts.length > 0 ? 'has-alerts' : '',
                      reasons.length > 0 ? 'needs-attention' : '',
                    ]
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                >
                  <th scope="row">
                    <Link to={`/supervisor/conversations/${encodeURIComponent(row.record.id)}`}>
                      {row.record.externalId}
                    </Link>
                    <span className="row-meta">
                      {CHANNEL_LABELS[row.record.channel] ?? row.record.channel}
                      {row.record.customerId ? ` · ${row.record.customerId}` : ''}
                      {reasons.length > 0 ? ` · ${reasons.join(', ')}` : ''}
                    </span>
                  </th>
                  {BOARD_COLUMNS.map((column) => (
                    <td key={column.id} className={column.className} data-column={column.id}>
                      {column.cell(row, now)}
                    </td>
                  ))}
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
