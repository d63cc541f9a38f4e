import type { LedgerEntry } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { EntriesTable, type EntryColumn } from '../../components/ledger/EntriesTable';
import { entryColumns } from '../../components/ledger/entry-columns';
import { describeAccount } from '../../lib/ledger';
import { useUserDirectory } from '../../lib/user-directory';

interface LedgerTableProps {
  entries: LedgerEntry[];
  loading: boolean;
  selectedTransactionId: string | null;
  onOpen: (transactionId: string) => void;
  onUserClick: (userId: string) => void;
}

/** Every entry, with whose account it is; the whole row opens its transaction (click, Enter or Space). */
export function LedgerTable({ entries, loading, selectedTransactionId, onOpen, onUserClick }: LedgerTableProps) {
  const people = useUserDirectory(entries.map((entry) => describeAccount(entry.account).userId));
  const columns: EntryColumn<LedgerEntry>[] = [
    entryColumns.seq(),
    entryColumns.time(),
    entryColumns.type(),
    entryColumns.account({ showOwner: true, onOwnerClick: onUserClick, people }),
    entryColumns.amount(),
    entryColumns.balanceAfter(),
    entryColumns.reference(),
    entryColumns.transaction({ link: true }),
  ];
  return (
    <EntriesTable
      entries={entries}
      columns={columns}
      testId="ledger-table"
      dense
      rowProps={(entry) => ({
        'data-testid': 'ledger-row',
        'data-entry-id': entry.id,
        'data-transaction-id': entry.transactionId,
        className: `row-clickable${entry.transactionId === selectedTransactionId ? ' row-selected' : ''}`,
        tabIndex: 0,
        'aria-label': `Entry ${entry.id}, ${entry.type} ${entry.amount} on ${entry.account}; open transaction`,
        onClick: () => onOpen(entry.transactionId),
        onKeyDown: (event) => {
          if (event.target !== event.currentTarget || (event.key !== 'Enter' && event.key !== ' ')) return;
          event.preventDefault();
          onOpen(entry.transactionId);
        },
      })}
      loading={loading}
      loadingText="Loading ledger entries…"
      empty={<EmptyState title="No ledger entries match these filters." />}
    />
  );
}
