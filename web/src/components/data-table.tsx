import type { ReactNode } from 'react';

interface DataTableProps<Row> {
  /** Read by screen readers only; sighted users have the page heading. */
  caption: string;
  columns: readonly string[];
  rows: readonly Row[];
  /** One `<tr>` with its own key; the first cell is usually a `<th scope="row">`. */
  renderRow: (row: Row, index: number) => ReactNode;
  /** Said in one full-width row when there are no rows; without it the body stays empty. */
  empty?: ReactNode;
  className?: string;
  busy?: boolean;
}

/** A table of records with a hidden caption and column headers, as the consoles list them. */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  renderRow,
  empty,
  className,
  busy,
}: DataTableProps<Row>) {
  return (
    <table className={className} aria-busy={busy || undefined}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        ) : (
          rows.map(renderRow)
        )}
      </tbody>
    </table>
  );
}
