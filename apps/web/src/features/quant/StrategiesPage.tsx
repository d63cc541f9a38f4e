/*
 * Quant → Strategies: create, start / stop, a per-strategy kill switch, live P&L and each
 * strategy's orders. Strategies belong to quants (the API is quant-only): an admin without the
 * quant role sees why instead of a 403.
 *
 * Test ids:
 *   strategies-page            the page
 *   strategy-create-form       the form: strategy-name, strategy-kind-<kind>, strategy-symbols, strategy-model,
 *                              strategy-param-<fast|slow|quantity|allowShort>, strategy-mode-<paper|live>,
 *                              strategy-create-submit, strategy-create-error (data-code), strategy-error-<field>
 *   strategies-list            the strategies (data-count)
 *   strategy-<id>              one strategy (data-name, data-status running|stopped, data-state running|stopped|halted,
 *                              data-mode, data-kill-engaged)
 *   strategy-state-<id>        its state chip
 *   strategy-pnl-<id>          total P&L marked to live ticks (data-total); strategy-unrealized-<id>; strategy-orders-count-<id>
 *   strategy-switch-chip-<id>  shown while its kill switch is engaged
 *   strategy-readiness-<id>    warming / ready (data-state, data-bars, data-needed), with the newest bar's or signal's time
 *   strategy-start-<id> / strategy-stop-<id>
 *   strategy-kill-<id>         pull / release its kill switch → strategy-kill-dialog, strategy-kill-reason, strategy-kill-confirm
 *   strategy-action-error-<id> a refused start / stop
 *   strategy-orders-toggle-<id>  shows / hides strategy-orders-<id> (data-count), rows strategy-order-<orderId>
 *   strategy-runs-toggle-<id>    shows / hides its runs and their comparison (StrategyRuns)
 */
import { useEffect, useMemo, useState } from 'react';
import type { ModelDto, StrategyDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { describeError } from '../../lib/api';
import { toDecimalString } from '../../lib/money';
import { formatClock, formatRelative, zoneLabel } from '../../lib/format';
import { StrategyCreateForm } from './StrategyCreateForm';
import { StrategyKillSwitchDialog } from './StrategyKillSwitchDialog';
import { StrategyOrders } from './StrategyOrders';
import { StrategyRuns } from './StrategyRuns';
import { QuoteBook } from '../trade/quote-book';
import { useLiveLtps, useLiveQuotes } from '../trade/useLiveQuotes';
import { formatParams, strategyLivePnl, strategyState, type StrategyState } from './strategy-format';
import { useIsQuant } from './useIsQuant';
import { useModels, useStrategies, useStrategiesSync, useStrategyCommand } from './quant-api';
import './quant.css';

const STATE_CHIP: Record<StrategyState, string> = { running: 'chip-positive', stopped: 'chip-neutral', halted: 'chip-negative' };

export function StrategiesPage() {
  const isQuant = useIsQuant();
  if (!isQuant) {
    return (
      <div className="page" data-testid="strategies-page">
        <PageHeader section="Quant" title="Strategies" />
        <div className="notice notice-warning" data-testid="strategies-quant-only">
          Strategies belong to quant users: creating, running and watching them needs the <span className="mono">quant</span> role, which
          your account does not have.
        </div>
      </div>
    );
  }
  return <QuantStrategies />;
}

function QuantStrategies() {
  const strategies = useStrategies();
  const models = useModels();
  const [killing, setKilling] = useState<StrategyDto | null>(null);
  useStrategiesSync();
  const items = useMemo(() => strategies.data?.items ?? [], [strategies.data]);
  // Open positions are marked to live ticks, so P&L moves between fills without a reload.
  const [book] = useState(() => new QuoteBook());
  useEffect(() => () => book.dispose(), [book]);
  const openSymbols = useMemo(
    () => [...new Set(items.flatMap((s) => s.positions.filter((p) => p.netQuantity !== 0).map((p) => p.symbol)))].sort(),
    [items],
  );
  useLiveQuotes(book, openSymbols);
  const modelsById = new Map((models.data?.items ?? []).map((m) => [m.id, m]));

  return (
    <div className="page" data-testid="strategies-page">
      <PageHeader
        section="Quant"
        title="Strategies"
        meta={<span className="muted">Orders go through the same risk checks, wallet and kill switches as a person’s.</span>}
      />
      <div className="quant-grid quant-grid-form-first">
        <section className="panel" aria-labelledby="strategy-create-title">
          <h2 className="panel-title" id="strategy-create-title">
            New strategy
          </h2>
          <StrategyCreateForm models={models.data?.items ?? []} />
        </section>
        <section aria-labelledby="strategies-title" className="stack">
          <h2 className="section-title" id="strategies-title">
            Your strategies
          </h2>
          {strategies.isError ? (
            <ErrorNotice error={strategies.error} onRetry={() => void strategies.refetch()} />
          ) : (
            <div className="stack" data-testid="strategies-list" data-count={items.length}>
              {items.map((s) => (
                <StrategyCard
                  key={s.id}
                  strategy={s}
                  model={s.modelId ? modelsById.get(s.modelId) : undefined}
                  book={book}
                  onKill={() => setKilling(s)}
                />
              ))}
              {strategies.isPending && <p className="table-placeholder muted">Loading strategies…</p>}
              {strategies.isSuccess && items.length === 0 && (
                <EmptyState title="No strategies yet.">Create one with the form; it starts stopped.</EmptyState>
              )}
            </div>
          )}
        </section>
      </div>
      <StrategyKillSwitchDialog strategy={killing} onClose={() => setKilling(null)} />
    </div>
  );
}

function StrategyCard({
  strategy: s,
  model,
  book,
  onKill,
}: {
  strategy: StrategyDto;
  model: ModelDto | undefined;
  book: QuoteBook;
  onKill: () => void;
}) {
  const ltpOf = useLiveLtps(
    book,
    s.positions.filter((p) => p.netQuantity !== 0).map((p) => p.symbol),
  );
  const pnl = strategyLivePnl(s, ltpOf);
  const [showOrders, setShowOrders] = useState(false);
  const [showRuns, setShowRuns] = useState(false);
  const command = useStrategyCommand();
  const state = strategyState(s);
  const running = s.status === 'running';

  return (
    <article
      className={`panel strategy-card strategy-${state}`}
      data-testid={`strategy-${s.id}`}
      data-name={s.name}
      data-status={s.status}
      data-state={state}
      data-mode={s.mode}
      data-kill-engaged={String(s.killSwitch.engaged)}
    >
      <header className="strategy-head">
        <div className="strategy-title">
          <h3>{s.name}</h3>
          <span className={`chip ${STATE_CHIP[state]}`} data-testid={`strategy-state-${s.id}`}>
            {state}
          </span>
          <span className={`chip ${s.mode === 'live' ? 'chip-warning' : 'chip-accent'}`}>{s.mode}</span>
          <span className="chip chip-neutral">{s.kind}</span>
          <ReadinessChip strategy={s} />
          {s.killSwitch.engaged && (
            <span className="chip chip-negative" data-testid={`strategy-switch-chip-${s.id}`}>
              kill switch on
            </span>
          )}
        </div>
        <div className="strategy-actions">
          {running ? (
            <button
              type="button"
              className="button button-small"
              disabled={command.isPending}
              onClick={() => command.mutate({ id: s.id, command: { action: 'stop' } })}
              data-testid={`strategy-stop-${s.id}`}
            >
              Stop
            </button>
          ) : (
            <button
              type="button"
              className="button button-small button-primary"
              disabled={command.isPending || s.killSwitch.engaged}
              title={s.killSwitch.engaged ? 'Release the kill switch first' : undefined}
              onClick={() => command.mutate({ id: s.id, command: { action: 'start' } })}
              data-testid={`strategy-start-${s.id}`}
            >
              Start
            </button>
          )}
          <button
            type="button"
            className={`button button-small ${s.killSwitch.engaged ? '' : 'button-danger'}`}
            onClick={onKill}
            data-testid={`strategy-kill-${s.id}`}
          >
            {s.killSwitch.engaged ? 'Release switch' : 'Kill switch'}
          </button>
        </div>
      </header>
      {command.isError && (
        <div className="notice notice-error" role="alert" data-testid={`strategy-action-error-${s.id}`}>
          {describeError(command.error)}
        </div>
      )}
      {s.killSwitch.engaged && (
        <div className="notice notice-warning">
          Kill switch engaged{s.killSwitch.reason ? `: ${s.killSwitch.reason}` : ''}. It places no orders until released.
        </div>
      )}
      {s.lastError && (
        <div className="notice notice-warning" data-testid={`strategy-last-error-${s.id}`}>
          Last refusal {formatRelative(s.lastErrorAt)}: {s.lastError}
        </div>
      )}
      <dl className="strategy-facts">
        <div>
          <dt>P&amp;L</dt>
          <dd data-testid={`strategy-pnl-${s.id}`} data-total={toDecimalString(pnl.total)}>
            <Money value={pnl.total} signed />
          </dd>
        </div>
        <div>
          <dt>Realized</dt>
          <dd>
            <Money value={pnl.realized} signed />
          </dd>
        </div>
        <div>
          <dt>Unrealized</dt>
          <dd>
            <Money value={pnl.unrealized} signed testId={`strategy-unrealized-${s.id}`} />
          </dd>
        </div>
        <div>
          <dt>Orders</dt>
          <dd className="mono" data-testid={`strategy-orders-count-${s.id}`}>
            {s.orders}
          </dd>
        </div>
        <div className="strategy-fact-wide">
          <dt>Symbols</dt>
          <dd className="mono">{s.symbols.join(', ')}</dd>
        </div>
        {s.kind === 'ml-signal' && (
          <div className="strategy-fact-wide">
            <dt>Model</dt>
            <dd className="mono">{model ? `${model.name} v${model.version} (${model.stage})` : (s.modelId ?? '—')}</dd>
          </div>
        )}
        <div className="strategy-fact-wide">
          <dt>Params</dt>
          <dd className="mono muted">{formatParams(s.params) || '—'}</dd>
        </div>
      </dl>
      {s.positions.some((p) => p.netQuantity !== 0) && (
        <div className="strategy-positions mono">
          {s.positions
            .filter((p) => p.netQuantity !== 0)
            .map((p) => (
              <span key={p.symbol} className="chip chip-neutral">
                {p.symbol} {p.netQuantity > 0 ? '+' : ''}
                {p.netQuantity} @ {p.averagePrice ?? '—'}
              </span>
            ))}
        </div>
      )}
      <button
        type="button"
        className="link-button"
        aria-expanded={showOrders}
        onClick={() => setShowOrders((v) => !v)}
        data-testid={`strategy-orders-toggle-${s.id}`}
      >
        {showOrders ? 'Hide orders' : `Show orders (${s.orders})`}
      </button>
      {showOrders && <StrategyOrders strategyId={s.id} />}
      <button
        type="button"
        className="link-button"
        aria-expanded={showRuns}
        onClick={() => setShowRuns((v) => !v)}
        data-testid={`strategy-runs-toggle-${s.id}`}
      >
        {showRuns ? 'Hide runs' : 'Runs'}
      </button>
      {showRuns && <StrategyRuns strategyId={s.id} />}
    </article>
  );
}

/**
 * Whether it can decide yet: "warming 12/20 5m bars" until an sma-crossover has its slow SMA's
 * worth of closed bars on every symbol, then "ready", with its newest bar's (or signal's) time.
 */
function ReadinessChip({ strategy: s }: { strategy: StrategyDto }) {
  const r = s.readiness;
  const last = r.lastBarAt ? formatClock(Date.parse(r.lastBarAt)) : null;
  const text =
    r.state === 'warming'
      ? `warming ${r.barsHave}/${r.barsNeeded} ${r.timeframe} bars`
      : s.kind === 'ml-signal'
        ? last
          ? `last signal ${last}`
          : 'no signal yet'
        : `ready · last ${r.timeframe} bar ${last ?? '—'}`;
  return (
    <span
      className={`chip ${r.state === 'warming' ? 'chip-warning' : 'chip-neutral'}`}
      title={
        r.state === 'warming'
          ? `Needs ${r.barsNeeded} closed ${r.timeframe} bars on every symbol before its slow SMA exists; it places nothing until then`
          : `Times in ${zoneLabel()}`
      }
      data-testid={`strategy-readiness-${s.id}`}
      data-state={r.state}
      data-bars={r.barsHave}
      data-needed={r.barsNeeded}
    >
      {text}
    </span>
  );
}
