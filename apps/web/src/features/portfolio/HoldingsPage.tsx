/*
 * Portfolio → Holdings: today's P&L, the P&L over time, and the delivered equity holdings, live.
 *
 * Test ids:
 *   holdings-page                  the page
 *   portfolio-day-pnl              today's P&L (data-value, paise as a decimal string)
 *   portfolio-realized / portfolio-unrealized
 *   holdings-total-invested / -current / -pnl / -day
 *   pnl-chart                      the P&L over time (data-points, data-last-net); pnl-range-<days> its range buttons
 *   holdings-table                 the holdings (data-count); holding-row-<SYMBOL> one (data-quantity, data-ltp, data-pnl, data-day)
 *   holdings-trader-only           shown instead to someone without the trader role
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HoldingDto, PnlHistoryDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { useCurrentUser } from '../../lib/auth';
import { formatInr, toDecimalString, toPaise } from '../../lib/money';
import { formatPrice } from '../../lib/price';
import { QuoteBook } from '../trade/quote-book';
import { useLiveLtps, useLiveQuotes } from '../trade/useLiveQuotes';
import { markHolding, percentOf, totalOf } from './holdings-view';
import { usePnlHistory, usePortfolio } from './portfolio-api';
import './portfolio.css';

const RANGES = [30, 90, 365] as const;

/** Where Portfolio opens: a trader's holdings; anyone else's wallet (they hold no trading book). */
export function PortfolioHome() {
  const { data: user } = useCurrentUser();
  if (!user) return null;
  return <Navigate to={user.roles.includes('trader') ? 'holdings' : 'wallet'} replace />;
}

export function HoldingsPage() {
  const { data: user } = useCurrentUser();
  if (user && !user.roles.includes('trader')) {
    return (
      <div className="page" data-testid="holdings-page">
        <PageHeader section="Portfolio" title="Holdings" />
        <div className="notice notice-info" data-testid="holdings-trader-only">
          Holdings and P&amp;L belong to trading accounts, which need the <span className="mono">trader</span> role. Your{' '}
          <Link to="/portfolio/wallet">wallet</Link> is here.
        </div>
      </div>
    );
  }
  return <TraderHoldings />;
}

function TraderHoldings() {
  const portfolio = usePortfolio();
  const [days, setDays] = useState<number>(30);
  const history = usePnlHistory(days);
  const [book] = useState(() => new QuoteBook());
  useEffect(() => () => book.dispose(), [book]);
  const holdings = useMemo(() => portfolio.data?.holdings ?? [], [portfolio.data]);
  const symbols = useMemo(() => [...new Set(holdings.map((h) => h.symbol))].sort(), [holdings]);
  useLiveQuotes(book, symbols);
  const ltpOf = useLiveLtps(book, symbols);
  const live = holdings.map((h) => markHolding(h, ltpOf(h.symbol)));
  const total = totalOf(holdings, live);
  const p = portfolio.data;

  return (
    <div className="page" data-testid="holdings-page">
      <PageHeader
        section="Portfolio"
        title="Holdings"
        meta={<span className="muted">Live at the latest prices. Day P&amp;L is counted as the daily-loss limit counts it.</span>}
        actions={
          <Link to="/trade?tab=positions" className="button button-small">
            Positions on Trade
          </Link>
        }
      />
      {portfolio.isError && <ErrorNotice error={portfolio.error} onRetry={() => void portfolio.refetch()} />}
      <section className="portfolio-cards" aria-label="Today">
        <Card label="Day P&L" title="Realized today + open positions' unrealized at the latest prices: the daily-loss limit's figure">
          {p ? <Money value={p.dayPnl} signed testId="portfolio-day-pnl" /> : '—'}
        </Card>
        <Card label="Realized today">{p ? <Money value={p.realizedToday} signed testId="portfolio-realized" /> : '—'}</Card>
        <Card label="Unrealized" title="Open positions (any product) at the latest prices">
          {p ? <Money value={p.unrealized} signed testId="portfolio-unrealized" /> : '—'}
        </Card>
        <Card label="Holdings invested">
          <span data-testid="holdings-total-invested" data-value={toDecimalString(total.invested)}>
            {formatInr(total.invested)}
          </span>
        </Card>
        <Card label="Current value">
          <span data-testid="holdings-total-current" data-value={toDecimalString(total.current)}>
            {formatInr(total.current)}
          </span>
        </Card>
        <Card label="Holdings P&L">
          <span data-testid="holdings-total-pnl" data-value={toDecimalString(total.pnl)}>
            <Money value={total.pnl} signed /> <span className="muted">{percentOf(total.pnl, total.invested)}</span>
          </span>
        </Card>
        <Card label="Day's change">
          <span data-testid="holdings-total-day" data-value={toDecimalString(total.day)}>
            <Money value={total.day} signed /> <span className="muted">{percentOf(total.day, total.current - total.day)}</span>
          </span>
        </Card>
      </section>
      <section className="panel portfolio-chart-panel" aria-labelledby="pnl-chart-title">
        <header className="row">
          <h2 className="panel-title" id="pnl-chart-title">
            P&amp;L over time
          </h2>
          <span className="muted">net of charges, at each day's close</span>
          <div className="toolbar-spacer" />
          <div className="segmented" role="group" aria-label="Range">
            {RANGES.map((r) => (
              <button
                key={r}
                type="button"
                className="segment"
                aria-pressed={days === r}
                onClick={() => setDays(r)}
                data-testid={`pnl-range-${r}`}
              >
                {r === 365 ? '1Y' : `${r}D`}
              </button>
            ))}
          </div>
        </header>
        {history.isError ? (
          <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
        ) : (
          <PnlChart history={history.data} />
        )}
      </section>
      <h2 className="section-title">Holdings</h2>
      <HoldingsTable holdings={holdings} live={live} loading={portfolio.isPending} />
    </div>
  );
}

function Card({ label, title, children }: { label: string; title?: string; children: React.ReactNode }) {
  return (
    <div className="portfolio-card" title={title}>
      <span className="portfolio-card-label">{label}</span>
      <span className="portfolio-card-value mono">{children}</span>
    </div>
  );
}

function PnlChart({ history }: { history: PnlHistoryDto | undefined }) {
  const points = (history?.points ?? []).map((pt) => ({
    day: pt.day,
    net: Number(toPaise(pt.net)) / 100,
    realized: pt.realized,
    unrealized: pt.unrealized,
    charges: pt.charges,
  }));
  const last = history?.points.at(-1);
  return (
    <figure
      className="portfolio-chart"
      data-testid="pnl-chart"
      data-points={points.length}
      data-last-net={last?.net ?? ''}
      aria-label="Net P&L at each day's close"
    >
      {points.length === 0 ? (
        <p className="muted">{history ? 'No trading days in this range.' : 'Loading…'}</p>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#1f2733" vertical={false} />
            <XAxis
              dataKey="day"
              tick={{ fill: '#8a94a6', fontSize: 11 }}
              stroke="#1f2733"
              minTickGap={24}
              tickFormatter={(d: string) => d.slice(5)}
            />
            <YAxis
              tick={{ fill: '#8a94a6', fontSize: 11 }}
              stroke="#1f2733"
              width={80}
              tickFormatter={(v: number) => `₹${v.toLocaleString('en-IN')}`}
            />
            <ReferenceLine y={0} stroke="#3a4556" />
            <Tooltip
              contentStyle={{ background: '#121720', border: '1px solid #2a3341', fontSize: 12 }}
              labelStyle={{ color: '#f1f4f8' }}
              formatter={(_v, _n, item) => {
                const pt = item.payload as (typeof points)[number];
                return [
                  `₹${pt.net.toLocaleString('en-IN', { minimumFractionDigits: 2 })} (realized ${pt.realized}, open ${pt.unrealized}, charges ${pt.charges})`,
                  'Net',
                ];
              }}
            />
            <Line type="linear" dataKey="net" stroke="#4c9aff" dot={points.length <= 31} strokeWidth={1.6} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

function HoldingsTable({
  holdings,
  live,
  loading,
}: {
  holdings: readonly HoldingDto[];
  live: ReturnType<typeof markHolding>[];
  loading: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="holdings-table" data-count={holdings.length}>
        <thead>
          <tr>
            <th scope="col">Instrument</th>
            <th scope="col" className="col-num">
              Qty
            </th>
            <th scope="col" className="col-num">
              Avg cost
            </th>
            <th scope="col" className="col-num">
              LTP
            </th>
            <th scope="col" className="col-money">
              Invested
            </th>
            <th scope="col" className="col-money">
              Cur. value
            </th>
            <th scope="col" className="col-money">
              P&amp;L
            </th>
            <th scope="col" className="col-num">
              Net chg
            </th>
            <th scope="col" className="col-money">
              Day chg
            </th>
          </tr>
        </thead>
        <tbody>
          {holdings.map((h, i) => {
            const l = live[i]!;
            const invested = toPaise(h.invested);
            return (
              <tr
                key={`${h.accountId}|${h.symbol}`}
                data-testid={`holding-row-${h.symbol}`}
                data-quantity={h.quantity}
                data-ltp={l.ltp ?? ''}
                data-pnl={l.pnl === null ? '' : toDecimalString(l.pnl)}
                data-day={l.dayChange === null ? '' : toDecimalString(l.dayChange)}
              >
                <td className="mono">{h.symbol}</td>
                <td className="col-num mono">{h.quantity}</td>
                <td className="col-num mono">{formatPrice(h.averagePrice)}</td>
                <td className="col-num mono">{formatPrice(l.ltp)}</td>
                <td className="col-money mono">{formatInr(invested)}</td>
                <td className="col-money mono">{l.currentValue === null ? '—' : formatInr(l.currentValue)}</td>
                <td className="col-money">{l.pnl === null ? '—' : <Money value={l.pnl} signed />}</td>
                <td className="col-num mono">{percentOf(l.pnl, invested)}</td>
                <td className="col-money">{l.dayChange === null ? '—' : <Money value={l.dayChange} signed />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {holdings.length === 0 && !loading && (
        <EmptyState title="No holdings yet.">
          Equity bought with the CNC product shows here, marked to the market. <Link to="/trade">Trade</Link>
        </EmptyState>
      )}
    </div>
  );
}
