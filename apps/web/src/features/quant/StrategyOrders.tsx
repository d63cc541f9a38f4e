import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { formatPrice } from '../../lib/price';
import { StatusChip } from '../trade/OrdersBlotter';
import { useStrategyOrders } from './quant-api';

/** The orders one strategy placed (GET /strategies/:id/orders), newest first, each with the signal behind it. */
export function StrategyOrders({ strategyId }: { strategyId: string }) {
  const orders = useStrategyOrders(strategyId);
  if (orders.isError) return <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />;
  const items = orders.data?.items ?? [];
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid={`strategy-orders-${strategyId}`} data-count={items.length}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Symbol</th>
            <th>Side</th>
            <th>Type</th>
            <th className="col-num">Qty</th>
            <th className="col-num">Filled</th>
            <th className="col-num">Avg price</th>
            <th>Status</th>
            <th>Signal</th>
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.id} data-testid={`strategy-order-${o.id}`} data-status={o.status} data-symbol={o.symbol} data-side={o.side}>
              <td className="mono nowrap">{formatDateTime(o.createdAt)}</td>
              <td className="mono">{o.symbol}</td>
              <td className={o.side === 'BUY' ? 'text-positive' : 'text-negative'}>{o.side}</td>
              <td className="mono">{o.type}</td>
              <td className="col-num mono">{o.quantity}</td>
              <td className="col-num mono">{o.filledQuantity}</td>
              <td className="col-num mono">{formatPrice(o.averagePrice)}</td>
              <td>
                <StatusChip status={o.status} />
                {o.rejectReason && <span className="muted small"> {o.rejectReason}</span>}
              </td>
              <td className="mono muted" title={o.signalId ?? ''}>
                {o.signalId ? o.signalId.slice(-8) : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {orders.isPending && <p className="table-placeholder muted">Loading orders…</p>}
      {orders.isSuccess && items.length === 0 && (
        <EmptyState title="No orders yet.">A running strategy places them at bar closes, when its rule says so.</EmptyState>
      )}
    </div>
  );
}
