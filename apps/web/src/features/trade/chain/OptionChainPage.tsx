/*
 * Trade → Option chain: an index's calls and puts of one expiry around the money, live.
 *
 * Test ids:
 *   option-chain-page                the page
 *   chain-underlying-<SYMBOL>        the underlying picker's buttons (aria-pressed)
 *   chain-expiry / chain-strikes     the expiry and strikes-each-side selects
 *   chain-spot                       the underlying's live LTP (data-ltp)
 *   option-chain                     the table (data-underlying, data-expiry, data-atm, data-rows)
 *   chain-row-<strike>               one strike (data-strike as sent, data-atm true|false)
 *   chain-CE-<strike> / chain-PE-<strike>  a side's LTP cell (data-symbol, data-ltp, data-iv, data-oi, data-itm)
 *   chain-buy-<symbol> / chain-sell-<symbol>  one click into the Trade page's ticket on that option
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { OptionChainView, OptionSide } from '@tradeloop/contracts';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PageHeader } from '../../../components/PageHeader';
import { changePercent, direction, formatChange, formatPrice } from '../../../lib/price';
import { QuoteBook } from '../quote-book';
import { useLiveQuote, useLiveQuotes } from '../useLiveQuotes';
import { formatOi, moneyness, ticketLink } from './chain-view';
import { useChainUnderlyings, useOptionChain } from './option-chain-api';
import './option-chain.css';

const STRIKE_CHOICES = [5, 10, 15, 20] as const;

export function OptionChainPage() {
  const [params, setParams] = useSearchParams();
  const underlying = (params.get('underlying') ?? 'NIFTY').toUpperCase();
  const expiry = params.get('expiry');
  const strikesParam = Number(params.get('strikes'));
  const strikes = (STRIKE_CHOICES as readonly number[]).includes(strikesParam) ? strikesParam : 10;
  const chain = useOptionChain(underlying, expiry, strikes);
  const indices = useChainUnderlyings();
  const [book] = useState(() => new QuoteBook());
  useEffect(() => () => book.dispose(), [book]);

  const data = chain.data?.underlying === underlying ? chain.data : undefined;
  const symbols = useMemo(() => {
    const out = [underlying];
    for (const r of data?.rows ?? []) for (const side of [r.call, r.put]) if (side) out.push(side.symbol);
    return out;
  }, [underlying, data]);
  useLiveQuotes(book, symbols);
  const spotQuote = useLiveQuote(book, underlying);
  const spot = spotQuote?.ltp ?? data?.spot ?? null;

  const set = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );

  const tone = direction(spotQuote?.change);
  return (
    <div className="page chain-page" data-testid="option-chain-page">
      <PageHeader
        section="Trade"
        title="Option chain"
        meta={<span className="muted">Calls left, puts right; in-the-money sides shaded. B / S opens the ticket on that option.</span>}
        actions={
          <Link to="/trade" className="button button-small" data-testid="chain-market-watch-link">
            Market watch
          </Link>
        }
      />
      <div className="chain-toolbar panel">
        <div className="segmented" role="group" aria-label="Underlying">
          {(indices.data?.items ?? [{ symbol: underlying }]).map((i) => (
            <button
              key={i.symbol}
              type="button"
              className="segment"
              aria-pressed={i.symbol === underlying}
              onClick={() => set({ underlying: i.symbol, expiry: null })}
              data-testid={`chain-underlying-${i.symbol}`}
            >
              {i.symbol}
            </button>
          ))}
        </div>
        <label className="inline-field">
          <span>Expiry</span>
          <select
            className="input"
            value={data?.expiry ?? expiry ?? ''}
            onChange={(e) => set({ expiry: e.target.value })}
            data-testid="chain-expiry"
            disabled={!data}
          >
            {(data?.expiries ?? (expiry ? [expiry] : [])).map((d) => (
              <option key={d} value={d}>
                {formatExpiry(d)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Strikes each side</span>
          <select className="input" value={strikes} onChange={(e) => set({ strikes: e.target.value })} data-testid="chain-strikes">
            {STRIKE_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="toolbar-spacer" />
        <div className="chain-spot" data-testid="chain-spot" data-ltp={spot ?? ''}>
          <span className="chain-spot-symbol">{underlying}</span>
          <span className="mono chain-spot-ltp">{formatPrice(spot)}</span>
          {spotQuote && (
            <span className={`mono ${tone > 0 ? 'text-positive' : tone < 0 ? 'text-negative' : 'muted'}`}>
              {formatChange(spotQuote.change)} ({changePercent(spotQuote.ltp, spotQuote.change, spotQuote.prevClose)})
            </span>
          )}
          {data?.atmStrike && <span className="muted">ATM {formatPrice(data.atmStrike)}</span>}
        </div>
      </div>
      {chain.isError && <ErrorNotice error={chain.error} onRetry={() => void chain.refetch()} />}
      {chain.isPending && <p className="table-placeholder muted">Loading the chain…</p>}
      {data && data.rows.length === 0 && <EmptyState title={`No strikes listed for ${underlying} on ${data.expiry}.`} />}
      {data && data.rows.length > 0 && <ChainTable chain={data} book={book} spot={spot} />}
    </div>
  );
}

/** "2026-12-15" → "15 Dec 2026 (Tue)". */
function formatExpiry(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.toLocaleDateString('en-IN', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'UTC' })} (${d.toLocaleDateString('en-IN', { weekday: 'short', timeZone: 'UTC' })})`;
}

function ChainTable({ chain, book, spot }: { chain: OptionChainView; book: QuoteBook; spot: string | null }) {
  return (
    <div className="table-wrap chain-wrap">
      <table
        className="table table-dense chain-table"
        data-testid="option-chain"
        data-underlying={chain.underlying}
        data-expiry={chain.expiry}
        data-atm={chain.atmStrike ?? ''}
        data-rows={chain.rows.length}
      >
        <caption className="visually-hidden">
          {chain.underlying} options expiring {chain.expiry}: calls, strike, puts
        </caption>
        <thead>
          <tr className="chain-sides">
            <th colSpan={6} scope="colgroup" className="chain-side-head">
              Calls
            </th>
            <th scope="col" />
            <th colSpan={6} scope="colgroup" className="chain-side-head">
              Puts
            </th>
          </tr>
          <tr>
            <th scope="col" className="col-num">
              OI
            </th>
            <th scope="col" className="col-num" title="Implied volatility, % (from the LTP)">
              IV
            </th>
            <th scope="col" className="col-num">
              Chg
            </th>
            <th scope="col" className="col-num">
              LTP
            </th>
            <th scope="col" className="col-num">
              Bid
            </th>
            <th scope="col" className="col-num">
              Ask
            </th>
            <th scope="col" className="chain-strike-head">
              Strike
            </th>
            <th scope="col" className="col-num">
              Bid
            </th>
            <th scope="col" className="col-num">
              Ask
            </th>
            <th scope="col" className="col-num">
              LTP
            </th>
            <th scope="col" className="col-num">
              Chg
            </th>
            <th scope="col" className="col-num" title="Implied volatility, % (from the LTP)">
              IV
            </th>
            <th scope="col" className="col-num">
              OI
            </th>
          </tr>
        </thead>
        <tbody>
          {chain.rows.map((row) => {
            const atm = row.strike === chain.atmStrike;
            const m = moneyness(row.strike, spot);
            return (
              <tr
                key={row.strike}
                className={atm ? 'chain-atm' : undefined}
                data-testid={`chain-row-${row.strike}`}
                data-strike={row.strike}
                data-atm={atm}
              >
                <SideCells side={row.call} kind="CE" strike={row.strike} itm={m?.callItm ?? false} book={book} />
                <th scope="row" className="chain-strike mono">
                  {formatPrice(row.strike)}
                </th>
                <SideCells side={row.put} kind="PE" strike={row.strike} itm={m?.putItm ?? false} book={book} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** One side of a strike: OI, IV, change, LTP (with B / S), bid, ask — mirrored for puts. */
function SideCells({
  side,
  kind,
  strike,
  itm,
  book,
}: {
  side: OptionSide | null;
  kind: 'CE' | 'PE';
  strike: string;
  itm: boolean;
  book: QuoteBook;
}) {
  const quote = useLiveQuote(book, side?.symbol ?? null);
  const navigate = useNavigate();
  const cls = (extra = '') => `col-num mono${itm ? ' chain-itm' : ''}${extra}`;
  if (!side) {
    const empty = Array.from({ length: 6 }, (_, i) => (
      <td key={i} className={cls(' muted')}>
        —
      </td>
    ));
    return <>{empty}</>;
  }
  const ltp = quote?.ltp ?? side.ltp;
  const change = quote?.change ?? side.change;
  const bid = quote?.bid ?? side.bid;
  const ask = quote?.ask ?? side.ask;
  const tone = direction(change);
  const cells = [
    <td
      key="oi"
      className={cls()}
      title={side.oi === null ? 'Open interest: not given by this feed' : `${side.oi.toLocaleString('en-IN')} units`}
    >
      {formatOi(side.oi)}
    </td>,
    <td key="iv" className={cls()}>
      {side.iv ?? '—'}
    </td>,
    <td key="chg" className={cls(tone > 0 ? ' text-positive' : tone < 0 ? ' text-negative' : '')}>
      {formatChange(change)}
    </td>,
    <td
      key="ltp"
      className={cls(' chain-ltp')}
      data-testid={`chain-${kind}-${strike}`}
      data-symbol={side.symbol}
      data-ltp={ltp ?? ''}
      data-iv={side.iv ?? ''}
      data-oi={side.oi ?? ''}
      data-itm={itm}
    >
      <span className="chain-trade">
        <button
          type="button"
          className="chain-buy"
          aria-label={`Buy ${side.symbol}`}
          title={`Buy ${side.symbol} (1 lot = ${side.lotSize})`}
          onClick={() => navigate(ticketLink(side.symbol, 'BUY'))}
          data-testid={`chain-buy-${side.symbol}`}
        >
          B
        </button>
        <button
          type="button"
          className="chain-sell"
          aria-label={`Sell ${side.symbol}`}
          title={`Sell ${side.symbol} (1 lot = ${side.lotSize})`}
          onClick={() => navigate(ticketLink(side.symbol, 'SELL'))}
          data-testid={`chain-sell-${side.symbol}`}
        >
          S
        </button>
      </span>
      <span className="chain-ltp-value">{formatPrice(ltp)}</span>
    </td>,
    <td key="bid" className={cls(' chain-bid')}>
      {formatPrice(bid)}
    </td>,
    <td key="ask" className={cls(' chain-ask')}>
      {formatPrice(ask)}
    </td>,
  ];
  // Puts mirror calls: bid, ask, LTP, change, IV, OI from the strike outwards.
  if (kind === 'PE') {
    const [oi, iv, chg, ltpCell, bidCell, askCell] = cells;
    return <>{[bidCell, askCell, ltpCell, chg, iv, oi]}</>;
  }
  return <>{cells}</>;
}
