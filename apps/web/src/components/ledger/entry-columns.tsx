import type { EntryOrder, LedgerEntry } from '@tradeloop/contracts';
import { formatClock, formatDateTime, shortId, zoneLabel } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import type { Directory } from '../../lib/user-directory';
import { AccountLabel } from '../AccountLabel';
import { EntryTypeChip } from '../EntryTypeChip';
import { Money } from '../Money';
import type { EntryColumn } from './EntriesTable';

type Entry = Pick<LedgerEntry, 'id' | 'account' | 'type' | 'amount' | 'balanceAfter'>;
type Dated = Pick<LedgerEntry, 'createdAt'>;

/** The columns the entries tables pick from; each names what differs between the tables. */
export const entryColumns = {
  /** The entry's sequence number. */
  /**
   * The entry's number in the whole ledger. Numbers only grow, but are not consecutive: the other
   * legs of each transaction and other books' entries sit between, and a transaction that rolled
   * back leaves its numbers unused. The hash chain over transactions (seq) is the gapless one.
   */
  seq: (): EntryColumn<Entry> => ({
    key: 'seq',
    header: (
      <span
        className="header-hint"
        title="Entry number in the whole ledger: always increasing, not consecutive (other books' entries, a transaction's other legs and rolled-back attempts take numbers too). The transactions' hash chain is the gapless sequence that Verify checks."
        data-testid="ledger-seq-header"
      >
        #
      </span>
    ),
    headerClassName: 'col-num',
    className: 'mono muted col-num',
    render: (entry) => entry.id,
  }),

  time: (): EntryColumn<Dated> => ({
    key: 'time',
    header: 'Time',
    className: 'mono nowrap',
    render: (entry) => formatDateTime(entry.createdAt),
  }),

  /** Time of day only, the full date and time in the title. */
  clock: (): EntryColumn<Dated> => ({
    key: 'time',
    header: `Time (${zoneLabel()})`,
    className: 'mono nowrap muted',
    title: (entry) => formatDateTime(entry.createdAt),
    render: (entry) => formatClock(Date.parse(entry.createdAt)),
  }),

  /** The type chip; `withAccount` adds the account after it unless it is the user's cash. */
  type: ({ withAccount = false }: { withAccount?: boolean } = {}): EntryColumn<Entry> => ({
    key: 'type',
    header: 'Type',
    className: withAccount ? 'nowrap' : undefined,
    render: (entry) =>
      withAccount ? (
        <>
          <EntryTypeChip type={entry.type} /> {!entry.account.endsWith(':cash') && <AccountLabel account={entry.account} />}
        </>
      ) : (
        <EntryTypeChip type={entry.type} />
      ),
  }),

  account: ({
    showOwner = false,
    onOwnerClick,
    people,
  }: { showOwner?: boolean; onOwnerClick?: (userId: string) => void; people?: Directory } = {}): EntryColumn<Entry> => ({
    key: 'account',
    header: 'Account',
    className: showOwner ? 'nowrap' : undefined,
    render: (entry) => <AccountLabel account={entry.account} showOwner={showOwner} onOwnerClick={onOwnerClick} people={people} />,
  }),

  amount: ({ testId }: { testId?: string } = {}): EntryColumn<Entry> => ({
    key: 'amount',
    header: 'Amount',
    headerClassName: 'col-money',
    className: 'col-money',
    render: (entry) => <Money value={entry.amount} signed testId={testId} />,
  }),

  /** The account's balance after the entry; a dash where there is none (house accounts). */
  balanceAfter: ({ header = 'Balance after', mutedDash = true }: { header?: string; mutedDash?: boolean } = {}): EntryColumn<Entry> => ({
    key: 'balanceAfter',
    header,
    headerClassName: 'col-money',
    className: 'col-money',
    render: (entry) =>
      entry.balanceAfter === null ? mutedDash ? <span className="muted">—</span> : '—' : <Money value={entry.balanceAfter} />,
  }),

  /**
   * What the entry is for: an order's entries say which order ("BUY 3 M&M", and the fill a
   * settlement is for), the raw reference in the title; anything else its reference as written.
   */
  reference: (): EntryColumn<Pick<LedgerEntry, 'reference'> & { order?: EntryOrder | null }> => ({
    key: 'reference',
    header: 'For',
    className: 'col-reference',
    title: (entry) => (entry.order ? `Order ${entry.order.orderId}\nreference ${entry.reference}` : entry.reference),
    // A table cell does not honour max-width: the clip is a block inside it.
    render: (entry) => <span className="cell-clip">{entry.order ? <OrderRef order={entry.order} /> : entry.reference}</span>,
  }),

  /** The transaction's short id, the full one in the title; `link` styles it as what opens it. */
  transaction: ({ link = false }: { link?: boolean } = {}): EntryColumn<Pick<LedgerEntry, 'transactionId'>> => ({
    key: 'transaction',
    header: 'Transaction',
    className: link ? 'mono nowrap' : 'mono muted nowrap',
    title: (entry) => entry.transactionId,
    render: (entry) => (link ? <span className="tx-link">{shortId(entry.transactionId)}</span> : shortId(entry.transactionId)),
  }),
};

/** "BUY 3 M&M · fill 3 @ 3,590.00": an order's side, quantity and symbol, and the fill a settlement is for. */
export function OrderRef({ order }: { order: EntryOrder }) {
  return (
    <span className="entry-order" data-testid="entry-order" data-order-id={order.orderId}>
      <span className={order.side === 'BUY' ? 'text-positive' : 'text-negative'}>{order.side}</span> {order.quantity}{' '}
      <span className="mono">{order.symbol}</span>
      {order.fill && (
        <span className="muted">
          {' '}
          · fill {order.fill.quantity} @ {formatPrice(order.fill.price)}
        </span>
      )}
    </span>
  );
}
