import type { ComplianceCase } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { shortId } from '../../lib/format';
import { figuresSummary, kindLabel } from './case-format';

interface CasesTableProps {
  cases: ComplianceCase[];
  loading: boolean;
  selectedId: string | null;
  onOpen: (id: string) => void;
  /** Only compliance resolves (the API's rule); others see the status alone. */
  canResolve: boolean;
  onResolve: (c: ComplianceCase) => void;
  onAccountClick: (accountId: string) => void;
}

/** The reconciliation's cases, newest first; a row opens its details (click, Enter or Space). */
export function CasesTable({ cases, loading, selectedId, onOpen, canResolve, onResolve, onAccountClick }: CasesTableProps) {
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="cases-table" aria-label="Compliance cases">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Kind</th>
            <th scope="col">Account</th>
            <th scope="col">Subject</th>
            <th scope="col">Ours vs broker</th>
            <th scope="col">Status</th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr
              key={c.id}
              data-testid="case-row"
              data-case-id={c.id}
              data-kind={c.kind}
              data-status={c.status}
              className={`row-clickable${c.id === selectedId ? ' row-selected' : ''}`}
              tabIndex={0}
              aria-label={`${kindLabel(c.kind)} ${c.subject} on ${c.tradingDay}, ${c.status}; open details`}
              onClick={() => onOpen(c.id)}
              onKeyDown={(event) => {
                if (event.target !== event.currentTarget || (event.key !== 'Enter' && event.key !== ' ')) return;
                event.preventDefault();
                onOpen(c.id);
              }}
            >
              <td className="mono nowrap">{c.tradingDay}</td>
              <td className="nowrap">
                <span className={`chip ${c.severity === 'info' ? 'chip-neutral' : 'chip-warning'}`} title={c.kind}>
                  {kindLabel(c.kind)}
                </span>
              </td>
              <td className="mono nowrap" title={c.accountId}>
                <button
                  type="button"
                  className="link-button"
                  title={`Show only cases of account ${c.accountId}`}
                  onClick={(event) => {
                    event.stopPropagation();
                    onAccountClick(c.accountId);
                  }}
                >
                  {shortId(c.accountId)}
                </button>
              </td>
              <td className="mono nowrap" title={c.subject}>
                {c.subject}
              </td>
              <td className="mono" data-testid="case-summary">
                {figuresSummary(c) || <span className="muted">—</span>}
              </td>
              <td className="nowrap">
                <span className={`chip ${c.status === 'open' ? 'chip-negative' : 'chip-positive'}`} data-testid="case-status">
                  {c.status === 'open' ? 'Open' : 'Resolved'}
                </span>
              </td>
              <td className="col-actions nowrap">
                {canResolve && c.status === 'open' && (
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Resolve ${kindLabel(c.kind)} ${c.subject}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onResolve(c);
                    }}
                  >
                    Resolve…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading cases…</div>}
      {!loading && cases.length === 0 && (
        <EmptyState title="No cases match these filters.">
          <p>The daily reconciliation records a case for each difference between our books and the broker&apos;s.</p>
        </EmptyState>
      )}
    </div>
  );
}
