import type { LedgerTransaction } from '@tradeloop/contracts';
import { AccountLabel } from '../../components/AccountLabel';
import { EntryTypeChip } from '../../components/EntryTypeChip';
import { Money } from '../../components/Money';
import { sumPaise } from '../../lib/money';

/** The transaction's legs in posting order, and their sum: zero for a balanced transaction. */
export function TransactionEntries({ entries }: { entries: LedgerTransaction['entries'] }) {
  const sum = sumPaise(entries.map((e) => e.amount));
  const balanced = sum === 0n;
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="tx-entries">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Type</th>
            <th scope="col" className="col-money">
              Amount
            </th>
            <th scope="col" className="col-money">
              Balance after
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="tx-entry">
              <td className="nowrap">
                <AccountLabel account={entry.account} showOwner />
              </td>
              <td>
                <EntryTypeChip type={entry.type} />
              </td>
              <td className="col-money">
                <Money value={entry.amount} signed />
              </td>
              <td className="col-money">
                {entry.balanceAfter === null ? <span className="muted">—</span> : <Money value={entry.balanceAfter} />}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className={balanced ? 'sum-row sum-ok' : 'sum-row sum-bad'}>
            <th scope="row" colSpan={2}>
              Sum of {entries.length} entries
            </th>
            <td className="col-money">
              <span className="mono" data-testid="tx-sum" data-balanced={balanced}>
                {balanced ? '0.00' : <Money value={sum} signed />}
              </span>
            </td>
            <td className="col-money">
              <span className={balanced ? 'text-positive' : 'text-negative'}>{balanced ? '✓ balanced' : '✕ unbalanced'}</span>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
