import type { Order } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { Money } from '../../components/Money';
import { formatDateTime, zoneLabel } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { StatusChip } from '../trade/OrdersBlotter';

/** A user's recent orders, newest first, as they see them (read-only). */
export function UserOrdersTable({ orders, accountName }: { orders: readonly Order[]; accountName: (id: string) => string }) {
  if (orders.length === 0) return <EmptyState title="No orders yet." />;
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="admin-user-orders" data-count={orders.length}>
        <thead>
          <tr>
            <th title="Times in the display zone (Account → Preferences)">Placed ({zoneLabel()})</th>
            <th>Symbol</th>
            <th>Side</th>
            <th>Type</th>
            <th>Product</th>
            <th className="col-num">Filled / Qty</th>
            <th className="col-num">Price</th>
            <th className="col-num">Avg price</th>
            <th className="col-num">Reserved</th>
            <th>Account</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id} data-testid="admin-user-order" data-order-id={o.id} data-symbol={o.symbol} data-status={o.status}>
              <td className="mono">{formatDateTime(o.createdAt)}</td>
              <td className="mono">
                {o.symbol}
                {o.strategyId && <span className="muted"> · strategy</span>}
              </td>
              <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
              <td>{o.type}</td>
              <td>{o.product}</td>
              <td className="col-num mono">
                {o.filledQuantity} / {o.quantity}
              </td>
              <td className="col-num mono">
                {o.price ? formatPrice(o.price) : o.type === 'MARKET' || o.type === 'SL-M' ? 'MKT' : '—'}
                {o.triggerPrice && <span className="muted"> trg {formatPrice(o.triggerPrice)}</span>}
              </td>
              <td className="col-num mono">{formatPrice(o.averagePrice)}</td>
              <td className="col-num">
                <Money value={o.reserved} />
              </td>
              <td>{accountName(o.accountId)}</td>
              <td>
                <StatusChip status={o.status} />
                {o.rejectReason && <span className="muted"> {o.rejectReason}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
