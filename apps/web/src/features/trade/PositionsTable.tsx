/*
 * Test ids:
 *   positions-table                  the table (data-count)
 *   position-row-<SYMBOL>            one position (data-net, data-product, data-unrealized, data-realized, data-ltp)
 *                                    (a symbol held in two products has two rows; the second is
 *                                    position-row-<SYMBOL>-<PRODUCT>)
 *   position-unrealized-<SYMBOL>     its live unrealized P&L
 *   position-squareoff-<SYMBOL>      Square off → a confirmation
 *   position-squareoff-confirm       places the opposite MARKET order for the net quantity
 *   position-squareoff-error         its refusal
 *   positions-total-unrealized / positions-total-realized
 */
import { useState } from 'react';
import type { PositionDto } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { toDecimalString, toPaise } from '../../lib/money';
import { unrealizedPaise } from '../../lib/pnl';
import { formatPrice } from '../../lib/price';
import { usePlaceOrder } from './orders-api';
import type { QuoteBook } from './quote-book';
import { useLiveQuote } from './useLiveQuotes';

const rowKey = (p: PositionDto) => `${p.symbol}|${p.product}`;

export function PositionsTable({
  positions,
  book,
  loading,
  error,
  onRetry,
}: {
  positions: readonly PositionDto[];
  book: QuoteBook;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}) {
  const [closing, setClosing] = useState<PositionDto | null>(null);
  const shown = positions.filter((p) => p.netQuantity !== 0 || toPaise(p.realizedPnl) !== 0n);
  const seen = new Set<string>();
  const totalRealized = shown.reduce((a, p) => a + toPaise(p.realizedPnl), 0n);

  if (error) return <ErrorNotice error={error} onRetry={onRetry} />;
  return (
    <>
      <div className="table-wrap trading-table-wrap">
        <table className="table table-dense" data-testid="positions-table" data-count={shown.length}>
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Product</th>
              <th className="col-num">Net qty</th>
              <th className="col-num">Avg price</th>
              <th className="col-num">LTP</th>
              <th className="col-num">Unrealized</th>
              <th className="col-num">Realized</th>
              <th className="col-actions" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => {
              const suffix = seen.has(p.symbol) ? `${p.symbol}-${p.product}` : p.symbol;
              seen.add(p.symbol);
              return <PositionRow key={rowKey(p)} position={p} idSuffix={suffix} book={book} onSquareOff={() => setClosing(p)} />;
            })}
          </tbody>
          {shown.length > 0 && (
            <tfoot>
              <tr>
                <th colSpan={6}>Realized today</th>
                <td className="col-num">
                  <Money value={totalRealized} signed testId="positions-total-realized" />
                </td>
                <td />
              </tr>
            </tfoot>
          )}
        </table>
        {shown.length === 0 && !loading && <EmptyState title="No positions. Filled orders show here with live P&L." />}
      </div>
      <SquareOffDialog position={closing} onClose={() => setClosing(null)} />
    </>
  );
}

function PositionRow({
  position: p,
  idSuffix,
  book,
  onSquareOff,
}: {
  position: PositionDto;
  idSuffix: string;
  book: QuoteBook;
  onSquareOff: () => void;
}) {
  const quote = useLiveQuote(book, p.symbol);
  // The server's figures stand until a tick newer than them arrives (ticks move `moves`).
  const [baseline, setBaseline] = useState<{ position: PositionDto; moves: number }>({ position: p, moves: quote?.moves ?? 0 });
  if (baseline.position !== p) setBaseline({ position: p, moves: quote?.moves ?? 0 });
  const live = quote !== undefined && quote.moves > baseline.moves;
  const ltp = live ? quote.ltp : (p.ltp ?? quote?.ltp ?? null);
  const computed = live ? unrealizedPaise(quote.ltp, p.averagePrice, p.netQuantity) : null;
  const unrealized = p.netQuantity === 0 ? 0n : (computed ?? toPaise(p.unrealizedPnl));
  const tone = unrealized > 0n ? 'pnl-up' : unrealized < 0n ? 'pnl-down' : '';
  return (
    <tr
      data-testid={`position-row-${idSuffix}`}
      data-net={p.netQuantity}
      data-product={p.product}
      data-unrealized={toDecimalString(unrealized)}
      data-realized={p.realizedPnl}
      data-ltp={ltp ?? ''}
      className={p.netQuantity === 0 ? 'row-muted' : undefined}
    >
      <td className="mono">{p.symbol}</td>
      <td>{p.product}</td>
      <td className={`col-num mono ${p.netQuantity > 0 ? 'up' : p.netQuantity < 0 ? 'down' : ''}`}>{p.netQuantity}</td>
      <td className="col-num mono">{formatPrice(p.averagePrice)}</td>
      <td className="col-num mono">{formatPrice(ltp)}</td>
      <td className={`col-num ${tone}`}>
        <Money value={unrealized} signed testId={`position-unrealized-${idSuffix}`} />
      </td>
      <td className="col-num">
        <Money value={p.realizedPnl} signed />
      </td>
      <td className="col-actions">
        {p.netQuantity !== 0 && (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={onSquareOff}
            data-testid={`position-squareoff-${idSuffix}`}
          >
            Square off
          </button>
        )}
      </td>
    </tr>
  );
}

function SquareOffDialog({ position, onClose }: { position: PositionDto | null; onClose: () => void }) {
  const place = usePlaceOrder();
  // One key per opened confirmation: a double click squares off once.
  const [key, setKey] = useState<{ for: PositionDto; key: string } | null>(null);
  if (position && key?.for !== position) setKey({ for: position, key: crypto.randomUUID() });
  const close = () => {
    place.reset();
    onClose();
  };
  const side = position && position.netQuantity > 0 ? 'SELL' : 'BUY';
  const units = position ? Math.abs(position.netQuantity) : 0;
  return (
    <ConfirmDialog
      open={position !== null}
      title="Square off position?"
      onClose={close}
      testId="position-squareoff-dialog"
      onConfirm={() =>
        position &&
        key &&
        place.mutate(
          {
            body: { symbol: position.symbol, side, type: 'MARKET', quantity: units, product: position.product },
            idempotencyKey: key.key,
          },
          { onSuccess: close },
        )
      }
      canConfirm={key !== null}
      pending={place.isPending}
      pendingLabel="Placing…"
      confirmLabel={`${side} ${units} at market`}
      tone="danger"
      cancelLabel="Keep it"
      confirmTestId="position-squareoff-confirm"
      error={place.error}
      errorTestId="position-squareoff-error"
    >
      {position && (
        <p>
          Places a <strong>{side}</strong> MARKET order for <span className="mono">{units}</span> unit{units === 1 ? '' : 's'} of{' '}
          <strong className="mono">{position.symbol}</strong> ({position.product}).
        </p>
      )}
    </ConfirmDialog>
  );
}
