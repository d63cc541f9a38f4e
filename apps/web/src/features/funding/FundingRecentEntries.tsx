import { Link } from 'react-router-dom';
import type { LedgerEntry } from '@tradeloop/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { EntriesTable, type EntryColumn } from '../../components/ledger/EntriesTable';
import { entryColumns } from '../../components/ledger/entry-columns';
import { useRecentEntries } from './funding-api';

const COLUMNS: EntryColumn<LedgerEntry>[] = [
  entryColumns.clock(),
  entryColumns.type({ withAccount: true }),
  entryColumns.amount(),
  entryColumns.balanceAfter({ header: 'After', mutedDash: false }),
];

/** The user's latest movements, to see at a glance what has just happened to this wallet. */
export function FundingRecentEntries({ userId }: { userId: string }) {
  const recent = useRecentEntries(userId);
  return (
    <div className="stack stack-tight">
      {recent.isError && <ErrorNotice error={recent.error} onRetry={() => void recent.refetch()} />}
      <EntriesTable
        entries={recent.data?.items ?? []}
        columns={COLUMNS}
        testId="funding-recent"
        dense
        rowProps={(entry) => ({ title: `${entry.reference} · ${entry.account}` })}
        loading={recent.isPending}
        empty={recent.isError ? null : <div className="table-placeholder muted">No movements yet.</div>}
      />
      <Link to={`/compliance/ledger?userId=${userId}`} className="field-hint">
        All of this user's entries in the ledger →
      </Link>
    </div>
  );
}
