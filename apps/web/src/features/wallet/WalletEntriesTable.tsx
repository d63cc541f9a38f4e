import { useState } from 'react';
import type { LedgerEntry } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { WalletEntryRow } from './WalletEntryRow';

interface WalletEntriesTableProps {
  entries: LedgerEntry[];
  loading: boolean;
}

export function WalletEntriesTable({ entries, loading }: WalletEntriesTableProps) {
  // Entries newer than the newest one first shown arrived live: they get a brief highlight.
  const [baseline, setBaseline] = useState<bigint | null>(null);
  if (baseline === null && !loading) setBaseline(entries[0] ? BigInt(entries[0].id) : 0n);

  return (
    <div className="table-wrap">
      <table className="table" data-testid="wallet-entries">
        <thead>
          <tr>
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
            <WalletEntryRow key={entry.id} entry={entry} fresh={baseline !== null && BigInt(entry.id) > baseline} />
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading entries…</div>}
      {!loading && entries.length === 0 && (
        <EmptyState title="No money has moved in this wallet yet.">
          Deposits and withdrawals made by an administrator appear here as they happen.
        </EmptyState>
      )}
    </div>
  );
}
