/*
 * Trade → Market watch → Legs: the legs opened from watchlists, one row per leg and account, live.
 *
 * Test ids:
 *   legs-panel             the table (data-count = rows)
 *   leg-row-<SYMBOL>       one leg on one account (data-leg-id, data-account = its name, data-net, data-target,
 *                          data-avg, data-tp, data-sl, data-tsl = off|waiting|armed, data-tsl-stop, data-selected);
 *                          a click selects it and charts its contract with the levels drawn
 *   leg-ltp-<SYMBOL> / leg-pnl-<SYMBOL>   live LTP and P&L per unit cells
 *   legs-risk-exit         the last risk exit seen on this page (data-kind TP|SL|TSL, data-symbol), until dismissed
 */
import type { Leg, RiskExit } from '@tradeloop/contracts';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatPrice } from '../../../lib/price';
import type { QuoteBook } from '../quote-book';
import { useLiveQuote } from '../useLiveQuotes';
import { pnlPerUnit, tslState } from './quick-trade';

export const EXIT_KIND_TEXT: Record<RiskExit['kind'], string> = { TP: 'Take-profit', SL: 'Stop-loss', TSL: 'Trailing stop' };

/** "Trailing stop hit on NIFTY…CE at 109.00 (level 110.00): flattened on every account". */
export const exitSentence = (exit: RiskExit): string =>
  `${EXIT_KIND_TEXT[exit.kind]} hit on ${exit.symbol} at ${formatPrice(exit.triggerPrice)} (level ${formatPrice(exit.level)}): flattening on every account`;

interface LegsPanelProps {
  legs: readonly Leg[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  book: QuoteBook;
  accountName: (id: string) => string;
  selected: string | null;
  onSelect: (leg: Leg) => void;
  lastExit: RiskExit | null;
  onDismissExit: () => void;
}

export const legKey = (leg: Pick<Leg, 'legId' | 'accountId'>) => `${leg.legId}|${leg.accountId}`;

export function LegsPanel({
  legs,
  loading,
  error,
  onRetry,
  book,
  accountName,
  selected,
  onSelect,
  lastExit,
  onDismissExit,
}: LegsPanelProps) {
  if (error) return <ErrorNotice error={error} onRetry={onRetry} />;
  const rows = [...legs].sort(
    (a, b) => a.symbol.localeCompare(b.symbol) || accountName(a.accountId).localeCompare(accountName(b.accountId)),
  );
  return (
    <>
      {lastExit && (
        <div
          className="notice notice-warning legs-exit"
          role="alert"
          data-testid="legs-risk-exit"
          data-kind={lastExit.kind}
          data-symbol={lastExit.symbol}
        >
          <span>{exitSentence(lastExit)}.</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismissExit}>
            ×
          </button>
        </div>
      )}
      <div className="table-wrap trading-table-wrap">
        <table className="table table-dense legs-table" data-testid="legs-panel" data-count={rows.length}>
          <thead>
            <tr>
              <th>Contract</th>
              <th>Account</th>
              <th className="col-num">Net</th>
              <th className="col-num">Avg</th>
              <th className="col-num">LTP</th>
              <th className="col-num" title="Profit or loss per unit at the LTP">
                P&amp;L/unit
              </th>
              <th className="col-num">TP</th>
              <th className="col-num">SL</th>
              <th className="col-num" title="Trailing stop: its level once armed">
                Trail
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((leg) => (
              <LegRow
                key={legKey(leg)}
                leg={leg}
                book={book}
                account={accountName(leg.accountId)}
                selected={selected === legKey(leg)}
                onSelect={onSelect}
              />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !loading && (
          <EmptyState title="No legs open">Quick buttons on a watchlist row open one; its TP, SL and trailing stop show here.</EmptyState>
        )}
      </div>
    </>
  );
}

function LegRow({
  leg,
  book,
  account,
  selected,
  onSelect,
}: {
  leg: Leg;
  book: QuoteBook;
  account: string;
  selected: boolean;
  onSelect: (leg: Leg) => void;
}) {
  const quote = useLiveQuote(book, leg.symbol);
  const ltp = quote?.ltp ?? leg.ltp;
  const pnl = pnlPerUnit(ltp, leg.averagePrice, leg.netQuantity) ?? leg.pnlPerUnit;
  const tone = pnl === null ? '' : pnl.startsWith('-') ? ' down' : Number(pnl) > 0 ? ' up' : '';
  const tsl = tslState(leg);
  return (
    <tr
      className={`legs-row${selected ? ' legs-row-selected' : ''}${leg.netQuantity === 0 ? ' legs-row-flat' : ''}`}
      onClick={() => onSelect(leg)}
      aria-selected={selected}
      data-testid={`leg-row-${leg.symbol}`}
      data-leg-id={leg.legId}
      data-account={account}
      data-net={leg.netQuantity}
      data-target={leg.targetQuantity}
      data-avg={leg.averagePrice ?? ''}
      data-tp={leg.tpPrice ?? ''}
      data-sl={leg.slPrice ?? ''}
      data-tsl={tsl}
      data-tsl-stop={leg.tsl.currentStop ?? ''}
      data-selected={selected}
    >
      <td className="mono">
        <button type="button" className="link-button mono" title="Chart it with its levels">
          {leg.symbol}
        </button>
      </td>
      <td className="order-account" title={account}>
        {account}
      </td>
      <td className={`col-num mono${leg.netQuantity > 0 ? ' up' : leg.netQuantity < 0 ? ' down' : ''}`}>
        {leg.netQuantity}
        {leg.targetQuantity !== leg.netQuantity && (
          <span className="muted" title="Target position">
            {' '}
            →{leg.targetQuantity}
          </span>
        )}
      </td>
      <td className="col-num mono">{formatPrice(leg.averagePrice)}</td>
      <td className="col-num mono" data-testid={`leg-ltp-${leg.symbol}`}>
        {formatPrice(ltp)}
      </td>
      <td className={`col-num mono${tone}`} data-testid={`leg-pnl-${leg.symbol}`}>
        {pnl === null ? '—' : `${pnl.startsWith('-') ? '' : '+'}${formatPrice(pnl)}`}
      </td>
      <td className="col-num mono legs-tp">{formatPrice(leg.tpPrice)}</td>
      <td className="col-num mono legs-sl">{formatPrice(leg.slPrice)}</td>
      <td className="col-num mono legs-tsl">
        {tsl === 'off' ? (
          <span className="muted">off</span>
        ) : tsl === 'armed' ? (
          <span className="chip chip-accent" title={`Best ${formatPrice(leg.tsl.bestPrice)}`}>
            armed {formatPrice(leg.tsl.currentStop)}
          </span>
        ) : (
          <span className="muted">waiting</span>
        )}
      </td>
    </tr>
  );
}
