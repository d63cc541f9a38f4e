import { useState } from 'react';
import type { LedgerEntry, ListedLedgerEntry } from '@tradeloop/contracts';
import { EntryTypeChip } from '../../components/EntryTypeChip';
import { Money } from '../../components/Money';
import { OrderRef } from '../../components/ledger/entry-columns';
import { formatDateTime } from '../../lib/format';
import { toDecimalString } from '../../lib/money';
import { groupByOrder } from './entry-groups';
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

/**
 * The loaded entries with each order's hold, release and settlements in one row (its net and the
 * kinds of entry), deposits and withdrawals as they are. Test ids: wallet-entry-groups,
 * wallet-order-group (data-order-id, data-net, data-count), wallet-entry-row.
 */
export function WalletOrderGroups({ entries, loading }: { entries: ListedLedgerEntry[]; loading: boolean }) {
  const groups = groupByOrder(entries);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="wallet-entry-groups" data-count={groups.length}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">For</th>
            <th scope="col">Entries</th>
            <th scope="col" className="col-money">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) =>
            g.kind === 'order' ? (
              <tr
                key={`o-${g.order.orderId}`}
                data-testid="wallet-order-group"
                data-order-id={g.order.orderId}
                data-net={toDecimalString(g.net)}
                data-count={g.entries.length}
              >
                <td className="mono nowrap">{formatDateTime(g.latest)}</td>
                <td>
                  <OrderRef order={g.order} />
                </td>
                <td>
                  <span className="row">
                    {[...new Set(g.entries.map((e) => e.type))].reverse().map((type) => (
                      <EntryTypeChip key={type} type={type} />
                    ))}
                  </span>
                </td>
                <td className="col-money">
                  <Money value={g.net} signed />
                </td>
              </tr>
            ) : (
              <tr key={`e-${g.entry.id}`} data-testid="wallet-entry-row" data-entry-id={g.entry.id}>
                <td className="mono nowrap">{formatDateTime(g.entry.createdAt)}</td>
                <td>{g.entry.reference}</td>
                <td>
                  <EntryTypeChip type={g.entry.type} />
                </td>
                <td className="col-money">
                  <Money value={g.entry.amount} signed />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {groups.length === 0 && !loading && <p className="table-placeholder muted">No money has moved in this wallet yet.</p>}
    </div>
  );
}
