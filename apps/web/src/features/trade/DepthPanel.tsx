/*
 * Trade → Market watch: the charted instrument's market depth (5 levels a side), live.
 *
 * Test ids:
 *   depth-panel              the panel; data-symbol, data-state (empty|loading|error|none|ready),
 *                            data-ts = the book's time, data-live (pending|live|refused|no-answer)
 *   depth-bid-<k> / depth-ask-<k>   level k (0 = best) with data-price, data-quantity, data-orders
 *   depth-total-bid / depth-total-ask   units resting on each side over the levels shown
 */
import type { CSSProperties } from 'react';
import type { DepthLevelView } from '@tradeloop/contracts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatPrice, formatVolume } from '../../lib/price';
import { useLiveDepth } from './useLiveDepth';

const LEVELS = 5;

function Side({ side, levels }: { side: 'bid' | 'ask'; levels: readonly DepthLevelView[] }) {
  const max = Math.max(1, ...levels.map((l) => l.quantity));
  const rows = Array.from({ length: LEVELS }, (_, k) => levels[k] ?? null);
  const total = levels.reduce((s, l) => s + l.quantity, 0);
  return (
    <table className={`depth-side depth-${side}`} aria-label={side === 'bid' ? 'Bids' : 'Asks'}>
      <colgroup>
        {(side === 'bid' ? ['orders', 'qty', 'price'] : ['price', 'qty', 'orders']).map((c) => (
          <col key={c} className={`depth-col-${c}`} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {side === 'bid' ? (
            <>
              <th scope="col" title="Orders">
                #
              </th>
              <th scope="col">Qty</th>
              <th scope="col">Bid</th>
            </>
          ) : (
            <>
              <th scope="col">Ask</th>
              <th scope="col">Qty</th>
              <th scope="col" title="Orders">
                #
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((l, k) => {
          const cells = l
            ? [
                <td key="o" className="mono muted">
                  {l.orders}
                </td>,
                <td key="q" className="mono">
                  {formatVolume(l.quantity)}
                </td>,
                <td key="p" className={`mono depth-price-${side}`}>
                  {formatPrice(l.price)}
                </td>,
              ]
            : [
                <td key="o" />,
                <td key="q" />,
                <td key="p" className="muted">
                  —
                </td>,
              ];
          return (
            <tr
              key={k}
              data-testid={`depth-${side}-${k}`}
              data-price={l?.price}
              data-quantity={l?.quantity}
              data-orders={l?.orders}
              style={l ? ({ '--depth-fill': `${Math.round((l.quantity / max) * 100)}%` } as CSSProperties) : undefined}
            >
              {side === 'bid' ? cells : [...cells].reverse()}
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={3} className="mono muted" data-testid={`depth-total-${side}`} data-total={total}>
            {side === 'bid' ? 'Total bids ' : 'Total asks '}
            {formatVolume(total)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function DepthPanel({ symbol }: { symbol: string | null }) {
  const { depth, rest, status } = useLiveDepth(symbol);
  const hasBook = depth !== null && (depth.bids.length > 0 || depth.asks.length > 0);
  const state = !symbol ? 'empty' : rest.isError && !depth ? 'error' : !depth ? 'loading' : hasBook ? 'ready' : 'none';
  return (
    <section
      className="depth-panel"
      data-testid="depth-panel"
      data-symbol={symbol ?? ''}
      data-state={state}
      data-ts={depth?.ts ?? ''}
      data-live={status ?? ''}
      aria-label="Market depth"
    >
      <header className="depth-head">
        <h2>Market depth</h2>
        <span className="muted">{symbol ?? ''}</span>
      </header>
      {state === 'error' && <ErrorNotice error={rest.error} onRetry={() => void rest.refetch()} />}
      {state === 'empty' && <p className="muted depth-note">Pick an instrument to see its book.</p>}
      {state === 'none' && <p className="muted depth-note">No order book for {symbol} (indices have none).</p>}
      {(state === 'ready' || state === 'loading') && (
        <div className="depth-sides">
          <Side side="bid" levels={depth?.bids ?? []} />
          <Side side="ask" levels={depth?.asks ?? []} />
        </div>
      )}
    </section>
  );
}
