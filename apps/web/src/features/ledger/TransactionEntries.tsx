import type { LedgerTransaction } from '@tradeloop/contracts';
import { Money } from '../../components/Money';
import { EntriesTable, type EntryColumn } from '../../components/ledger/EntriesTable';
import { entryColumns } from '../../components/ledger/entry-columns';
import { sumPaise } from '../../lib/money';

type Leg = LedgerTransaction['entries'][number];

const COLUMNS: EntryColumn<Leg>[] = [
  entryColumns.account({ showOwner: true }),
  entryColumns.type(),
  entryColumns.amount(),
  entryColumns.balanceAfter(),
];

/** The transaction's legs in posting order, and their sum: zero for a balanced transaction. */
export function TransactionEntries({ entries }: { entries: LedgerTransaction['entries'] }) {
  const sum = sumPaise(entries.map((e) => e.amount));
  const balanced = sum === 0n;
  return (
    <EntriesTable
      entries={entries}
      columns={COLUMNS}
      testId="tx-entries"
      dense
      rowProps={() => ({ 'data-testid': 'tx-entry' })}
      footer={
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
      }
    />
  );
}
