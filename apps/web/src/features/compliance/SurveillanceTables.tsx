import type { SurveillanceOrder, SurveillanceTrade } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { Money } from '../../components/Money';
import { UserName } from '../../components/UserName';
import { formatDateTime, shortId, zoneLabel } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { useUserDirectory } from '../../lib/user-directory';
import { StatusChip } from '../trade/OrdersBlotter';

/** The broker an order went through, as people call it (`mock` is the paper broker). */
const BROKER_LABEL: Record<string, string> = { mock: 'Paper', kite: 'Kite', upstox: 'Upstox', openalgo: 'OpenAlgo' };
const brokerLabel = (broker: string) => BROKER_LABEL[broker] ?? broker;

/** "2026-12-07 15:04:05 IST" split so the date can wrap under the time in a narrow column. */
function When({ iso }: { iso: string }) {
  const [date, time] = formatDateTime(iso).split(' ');
  return (
    <span className="surveillance-when mono" title={iso}>
      <span>{date}</span> <span>{time}</span>
    </span>
  );
}

const TIME_HEADER = `Times in the display zone, ${zoneLabel()} (Account → Preferences)`;

interface OrdersTableProps {
  orders: readonly SurveillanceOrder[];
  loading: boolean;
  onUserClick: (userId: string) => void;
  onShowFills: (orderId: string) => void;
}

export function SurveillanceOrdersTable({ orders, loading, onUserClick, onShowFills }: OrdersTableProps) {
  const people = useUserDirectory(orders.map((o) => o.userId));
  return (
    <div className="table-wrap surveillance-table-wrap">
      <table className="table table-dense surveillance-table" data-testid="surveillance-orders-table" data-count={orders.length}>
        <thead data-testid="surveillance-orders-header">
          <tr>
            <th scope="col" title={TIME_HEADER}>
              Placed ({zoneLabel()})
            </th>
            <th scope="col">Trader</th>
            <th scope="col">Symbol</th>
            <th scope="col">Side</th>
            <th scope="col">Order</th>
            <th scope="col" className="col-num">
              Filled / Qty
            </th>
            <th scope="col" className="col-num">
              Price
            </th>
            <th scope="col" className="col-num">
              Avg price
            </th>
            <th scope="col">Status</th>
            <th scope="col">Via</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr
              key={o.id}
              data-testid="surveillance-order-row"
              data-order-id={o.id}
              data-user-id={o.userId}
              data-symbol={o.symbol}
              data-side={o.side}
              data-status={o.status}
            >
              <td>
                <When iso={o.createdAt} />
              </td>
              <td className="surveillance-person">
                <UserName
                  id={o.userId}
                  user={people(o.userId)}
                  onClick={onUserClick}
                  clickTitle="Show only this trader's orders and fills"
                  testId="surveillance-trader"
                />
              </td>
              <td className="mono">{o.symbol}</td>
              <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
              <td className="surveillance-terms" title={`${o.type} · ${o.product} · ${o.validity}`}>
                {o.type} <span className="muted">{o.product}</span>
              </td>
              <td className="col-num mono">
                {o.filledQuantity > 0 ? (
                  <button
                    type="button"
                    className="link-button mono"
                    onClick={() => onShowFills(o.id)}
                    title="Show this order's fills"
                    data-testid="surveillance-order-fills"
                  >
                    {o.filledQuantity}
                  </button>
                ) : (
                  o.filledQuantity
                )}{' '}
                / {o.quantity}
              </td>
              <td className="col-num mono">
                {o.price ? formatPrice(o.price) : o.type === 'MARKET' || o.type === 'SL-M' ? 'MKT' : '—'}
                {o.triggerPrice && <span className="muted"> trg {formatPrice(o.triggerPrice)}</span>}
              </td>
              <td className="col-num mono">{formatPrice(o.averagePrice)}</td>
              <td title={o.rejectReason ?? undefined}>
                <StatusChip status={o.status} testId="surveillance-order-status" />
              </td>
              <td>
                <span className="surveillance-via">
                  {brokerLabel(o.broker)}
                  {o.strategyId && (
                    <span className="chip chip-accent surveillance-strategy" title={`Placed by strategy ${o.strategyId}`}>
                      strategy
                    </span>
                  )}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading orders…</div>}
      {!loading && orders.length === 0 && <EmptyState title="No orders match these filters." />}
    </div>
  );
}

interface TradesTableProps {
  trades: readonly SurveillanceTrade[];
  loading: boolean;
  onUserClick: (userId: string) => void;
  onOrderClick: (orderId: string) => void;
}

export function SurveillanceTradesTable({ trades, loading, onUserClick, onOrderClick }: TradesTableProps) {
  const people = useUserDirectory(trades.map((t) => t.userId));
  return (
    <div className="table-wrap surveillance-table-wrap">
      <table className="table table-dense surveillance-table" data-testid="surveillance-trades-table" data-count={trades.length}>
        <thead data-testid="surveillance-trades-header">
          <tr>
            <th scope="col" title={TIME_HEADER}>
              Executed ({zoneLabel()})
            </th>
            <th scope="col">Trader</th>
            <th scope="col">Symbol</th>
            <th scope="col">Side</th>
            <th scope="col">Product</th>
            <th scope="col" className="col-num">
              Qty
            </th>
            <th scope="col" className="col-num">
              Price
            </th>
            <th scope="col" className="col-num">
              Value
            </th>
            <th scope="col" className="col-num">
              Charges
            </th>
            <th scope="col">Order</th>
            <th scope="col">Via</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((t) => (
            <tr
              key={t.id}
              data-testid="surveillance-trade-row"
              data-trade-id={t.id}
              data-order-id={t.orderId}
              data-user-id={t.userId}
              data-symbol={t.symbol}
              data-side={t.side}
            >
              <td>
                <When iso={t.executedAt} />
              </td>
              <td className="surveillance-person">
                <UserName
                  id={t.userId}
                  user={people(t.userId)}
                  onClick={onUserClick}
                  clickTitle="Show only this trader's orders and fills"
                  testId="surveillance-trader"
                />
              </td>
              <td className="mono">{t.symbol}</td>
              <td className={t.side === 'BUY' ? 'up' : 'down'}>{t.side}</td>
              <td>{t.product}</td>
              <td className="col-num mono">{t.quantity}</td>
              <td className="col-num mono">{formatPrice(t.price)}</td>
              <td className="col-num">
                <Money value={t.value} />
              </td>
              <td className="col-num" title={t.charges.map((c) => `${c.name} ${c.amount}`).join(' · ')}>
                <Money value={t.fees} />
              </td>
              <td>
                <button
                  type="button"
                  className="link-button mono"
                  onClick={() => onOrderClick(t.orderId)}
                  title={`Show only the fills of order ${t.orderId}`}
                  data-testid="surveillance-trade-order"
                >
                  {shortId(t.orderId)}
                </button>
              </td>
              <td>{brokerLabel(t.broker)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <div className="table-placeholder muted">Loading fills…</div>}
      {!loading && trades.length === 0 && <EmptyState title="No fills match these filters." />}
    </div>
  );
}
