import { useState } from 'react';
import type { LedgerEntry } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { EntriesTable, type EntryColumn } from '../../components/ledger/EntriesTable';
import { entryColumns } from '../../components/ledger/entry-columns';

interface WalletEntriesTableProps {
  entries: LedgerEntry[];
  loading: boolean;
}

const COLUMNS: EntryColumn<LedgerEntry>[] = [
  entryColumns.time(),
  entryColumns.type(),
  entryColumns.account(),
  entryColumns.amount({ testId: 'entry-amount' }),
  entryColumns.balanceAfter(),
  entryColumns.reference(),
  entryColumns.transaction(),
];

export function WalletEntriesTable({ entries, loading }: WalletEntriesTableProps) {
  // Entries newer than the newest one first shown arrived live: they get a brief highlight.
  const [baseline, setBaseline] = useState<bigint | null>(null);
  if (baseline === null && !loading) setBaseline(entries[0] ? BigInt(entries[0].id) : 0n);

  return (
    <EntriesTable
      entries={entries}
      columns={COLUMNS}
      testId="wallet-entries"
      rowProps={(entry) => ({
        'data-testid': 'wallet-entry-row',
        'data-entry-id': entry.id,
        className: baseline !== null && BigInt(entry.id) > baseline ? 'row-fresh' : undefined,
      })}
      loading={loading}
      loadingText="Loading entries…"
      empty={
        <EmptyState title="No money has moved in this wallet yet.">
          Deposits and withdrawals made by an administrator appear here as they happen.
        </EmptyState>
      }
    />
  );
}
