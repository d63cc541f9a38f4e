import { createHash } from 'node:crypto';
import type { OrderSide } from '@tradeloop/domain';
import type { RequestMeta } from '@tradeloop/identity';
import type { OrderRow } from './order-row';
import type { AccountPosition } from './trading.repository';
import type { PlaceItem } from './place-order.use-case';

/**
 * The Idempotency-Key of the square-off order of one position under `requestKey`: one key per
 * (request, account, symbol, product).
 */
export function squareOffKey(requestKey: string, p: { accountId: string; symbol: string; product: string }): string {
  return `sq-${createHash('sha256').update(`${requestKey}|${p.accountId}|${p.symbol}|${p.product}`).digest('hex')}`;
}

/**
 * The square-off orders of a user's open positions (docs/api.md "Orders, trades, positions"): a
 * MARKET order against each, for the net quantity not already being closed by that account's
 * open orders on the closing side (a position is closed at the broker that holds it), with the
 * position's product and account, one Idempotency-Key per position (`squareOffKey`). The one rule
 * behind `POST /positions/square-off`, the automatic trip's square-off and the kill switch's.
 */
export function squareOffItems(
  positions: readonly AccountPosition[],
  open: readonly Pick<OrderRow, 'account_id' | 'symbol' | 'product' | 'side' | 'quantity' | 'filled_quantity'>[],
  requestKey: string,
  meta: RequestMeta,
): PlaceItem[] {
  const items: PlaceItem[] = [];
  for (const p of positions) {
    if (p.netQuantity === 0) continue;
    const side: OrderSide = p.netQuantity > 0 ? 'SELL' : 'BUY';
    const closing = open
      .filter((o) => o.account_id === p.accountId && o.symbol === p.symbol && o.product === p.product && o.side === side)
      .reduce((n, o) => n + (o.quantity - o.filled_quantity), 0);
    const quantity = Math.abs(p.netQuantity) - closing;
    if (quantity <= 0) continue;
    items.push({
      body: {
        symbol: p.symbol,
        side,
        type: 'MARKET',
        quantity,
        product: p.product,
        validity: 'DAY',
        tag: 'squareoff',
        accountId: p.accountId,
      },
      key: squareOffKey(requestKey, p),
      meta,
    });
  }
  return items;
}
