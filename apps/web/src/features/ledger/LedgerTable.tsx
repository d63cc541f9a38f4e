import type { LedgerEntry } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { LedgerRow } from './LedgerRow';

interface LedgerTableProps {
  entries: LedgerEntry[];
  loading: boolean;
  selectedTransactionId: string | null;
  onOpen: (transactionId: string) => void;
  onUserClick: (userId: string) => void;
}

export function LedgerTable({ entries, loading, selectedTransactionId, onOpen, onUserClick }: LedgerTableProps) {
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="ledger-table">
        <thead>
          <tr>
            <th scope="col" className="col-num">
              #
            </th>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Account</th>
            <th scope="col" className="col-money">
              Amount
            </th>
            <th scope="col" className="col-money">
              Balance after
            </th>
            <th scope="col">Reference</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <LedgerRow
              key={entry.id}
              entry={entry}
              selected={entry.transactionId === selectedTransactionId}
              onOpen={onOpen}
              onUserClick={onUserClick}
            />
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading ledger entries…</div>}
      {!loading && entries.length === 0 && <EmptyState title="No ledger entries match these filters." />}
    </div>
  );
}
