import type { HTMLAttributes, ReactNode } from 'react';
import './EntriesTable.css';

/** One column of an entries table: its header and how each entry fills its cell. */
export interface EntryColumn<E> {
  key: string;
  header: ReactNode;
  headerClassName?: string;
  className?: string;
  title?: (entry: E) => string | undefined;
  render: (entry: E) => ReactNode;
}

/** What a row may carry besides its cells: test ids, data attributes, a class, handlers. */
export type EntryRowProps = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | number | boolean | undefined };

interface EntriesTableProps<E extends { id: string }> {
  entries: readonly E[];
  columns: readonly EntryColumn<E>[];
  testId: string;
  /** The compact row height (the ledger, a transaction's legs, the funding side panel). */
  dense?: boolean;
  rowProps?: (entry: E) => EntryRowProps;
  /** The rows of a <tfoot>, e.g. a sum. */
  footer?: ReactNode;
  loading?: boolean;
  loadingText?: string;
  /** Shown under the headers when loading is over and there is no entry. */
  empty?: ReactNode;
}

/**
 * Ledger entries as a table: the wallet, the compliance ledger, a transaction's legs and a
 * user's recent movements all use it, each with its own columns (see entry-columns.tsx).
 */
export function EntriesTable<E extends { id: string }>({
  entries,
  columns,
  testId,
  dense = false,
  rowProps,
  footer,
  loading = false,
  loadingText = 'Loading…',
  empty,
}: EntriesTableProps<E>) {
  return (
    <div className="table-wrap">
      <table className={dense ? 'table table-dense' : 'table'} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.headerClassName}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} {...rowProps?.(entry)}>
              {columns.map((column) => (
                <td key={column.key} className={column.className} title={column.title?.(entry)}>
                  {column.render(entry)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
      {loading && <div className="table-placeholder muted">{loadingText}</div>}
      {!loading && entries.length === 0 && empty}
    </div>
  );
}
