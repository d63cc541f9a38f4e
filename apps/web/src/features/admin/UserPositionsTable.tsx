import type { PositionDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { Money } from '../../components/Money';
import { toPaise } from '../../lib/money';
import { formatPrice } from '../../lib/price';

/**
 * A user's positions as they see them (read-only: an admin acts through the user's kill switch,
 * not their orders). Flat positions with no realized P&L are left out, as on the Trade page.
 */
export function UserPositionsTable({ positions, accountName }: { positions: readonly PositionDto[]; accountName: (id: string) => string }) {
  const shown = positions.filter((p) => p.netQuantity !== 0 || toPaise(p.realizedPnl) !== 0n);
  if (shown.length === 0) return <EmptyState title="No open positions and nothing realized." />;
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="admin-user-positions" data-count={shown.length}>
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Product</th>
            <th>Account</th>
            <th className="col-num">Net qty</th>
            <th className="col-num">Avg price</th>
            <th className="col-num">LTP</th>
            <th className="col-num">Unrealized</th>
            <th className="col-num">Realized</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr
              key={`${p.accountId}|${p.symbol}|${p.product}`}
              data-testid="admin-user-position"
              data-symbol={p.symbol}
              data-product={p.product}
              data-net={p.netQuantity}
              className={p.netQuantity === 0 ? 'row-muted' : undefined}
            >
              <td className="mono">{p.symbol}</td>
              <td>{p.product}</td>
              <td>{accountName(p.accountId)}</td>
              <td className={`col-num mono ${p.netQuantity > 0 ? 'up' : p.netQuantity < 0 ? 'down' : ''}`}>{p.netQuantity}</td>
              <td className="col-num mono">{formatPrice(p.averagePrice)}</td>
              <td className="col-num mono">{formatPrice(p.ltp)}</td>
              <td className="col-num">
                <Money value={p.unrealizedPnl} signed />
              </td>
              <td className="col-num">
                <Money value={p.realizedPnl} signed />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
