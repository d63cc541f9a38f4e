/*
 * Test ids:
 *   trades-table        the table (data-count)
 *   trade-row-<id>      one fill (data-order-id, data-symbol, data-side)
 */
import type { Trade } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { formatDateTime, shortId } from '../../lib/format';
import { formatPrice } from '../../lib/price';

export function TradesTable({
  trades,
  loading,
  error,
  onRetry,
}: {
  trades: readonly Trade[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}) {
  if (error) return <ErrorNotice error={error} onRetry={onRetry} />;
  return (
    <div className="table-wrap trading-table-wrap">
      <table className="table table-dense" data-testid="trades-table" data-count={trades.length}>
        <thead>
          <tr>
            <th>Executed</th>
            <th>Symbol</th>
            <th>Side</th>
            <th>Product</th>
            <th className="col-num">Qty</th>
            <th className="col-num">Price</th>
            <th className="col-num">Value</th>
            <th className="col-num">Charges</th>
            <th>Order</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((t) => (
            <tr key={t.id} data-testid={`trade-row-${t.id}`} data-order-id={t.orderId} data-symbol={t.symbol} data-side={t.side}>
              <td className="mono">{formatDateTime(t.executedAt)}</td>
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
              <td className="mono muted" title={t.orderId}>
                {shortId(t.orderId)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {trades.length === 0 && !loading && <EmptyState title="No fills yet." />}
    </div>
  );
}
