import { Link } from 'react-router-dom';
import { formatClock, formatDateTime } from '../../lib/format';
import { EntryTypeChip } from '../../components/EntryTypeChip';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { AccountLabel } from '../../components/AccountLabel';
import { useRecentEntries } from './funding-api';

/** The user's latest movements, to see at a glance what has just happened to this wallet. */
export function FundingRecentEntries({ userId }: { userId: string }) {
  const recent = useRecentEntries(userId);
  const entries = recent.data?.items ?? [];
  return (
    <div className="stack stack-tight">
      {recent.isError && <ErrorNotice error={recent.error} onRetry={() => void recent.refetch()} />}
      <div className="table-wrap">
        <table className="table table-dense" data-testid="funding-recent">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col" className="col-money">
                Amount
              </th>
              <th scope="col" className="col-money">
                After
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} title={`${entry.reference} · ${entry.account}`}>
                <td className="mono nowrap muted" title={formatDateTime(entry.createdAt)}>
                  {formatClock(Date.parse(entry.createdAt))}
                </td>
                <td className="nowrap">
                  <EntryTypeChip type={entry.type} /> {!entry.account.endsWith(':cash') && <AccountLabel account={entry.account} />}
                </td>
                <td className="col-money">
                  <Money value={entry.amount} signed />
                </td>
                <td className="col-money">{entry.balanceAfter === null ? '—' : <Money value={entry.balanceAfter} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {recent.isPending && <div className="table-placeholder muted">Loading…</div>}
        {!recent.isPending && entries.length === 0 && !recent.isError && <div className="table-placeholder muted">No movements yet.</div>}
      </div>
      <Link to={`/compliance/ledger?userId=${userId}`} className="field-hint">
        All of this user's entries in the ledger →
      </Link>
    </div>
  );
}
