/*
 * Quant → Signals: every model's signals, newest first (GET /signals, then the live `signal`
 * events), filtered by symbol and model, and the symbol's chart with BUY / SELL markers.
 *
 * Test ids:
 *   signals-page               the page
 *   signals-filter-symbol      symbol filter (exact symbol, applied on Enter / blur)
 *   signals-filter-model       model filter (a select of registered models)
 *   signals-table              the list (data-count)
 *   signal-row-<id>            one signal (data-symbol, data-signal BUY|SELL|HOLD, data-model-id, data-stage); click → charts its symbol
 *   signal-side-<id>           its BUY / SELL / HOLD chip
 *   signal-chart               the chart with markers (see SignalChart)
 */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SignalDto, SignalSide } from '@tradeloop/contracts';
import { TIMEFRAMES, type Timeframe } from '@tradeloop/domain';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { SignalChart } from './SignalChart';
import { StageChip } from './StageChip';
import { useModel, useModels, useSignals, useSignalsSync } from './quant-api';
import './quant.css';
import '../../components/FilterBar.css';

const SIDE_CHIP: Record<SignalSide, string> = { BUY: 'chip-positive', SELL: 'chip-negative', HOLD: 'chip-neutral' };

export function SideChip({ side, testId }: { side: SignalSide; testId?: string }) {
  return (
    <span className={`chip signal-side ${SIDE_CHIP[side]}`} data-testid={testId}>
      {side}
    </span>
  );
}

export function SignalsPage() {
  const [params, setParams] = useSearchParams();
  const symbol = params.get('symbol')?.trim().toUpperCase() || undefined;
  const modelId = params.get('modelId') || undefined;
  const [symbolDraft, setSymbolDraft] = useState(symbol ?? '');
  const [picked, setPicked] = useState<string | null>(null);
  const models = useModels();
  const signals = useSignals({ symbol, modelId });
  useSignalsSync();

  const items = useMemo(() => signals.data?.items ?? [], [signals.data]);
  const modelsById = useMemo(() => new Map((models.data?.items ?? []).map((m) => [m.id, m])), [models.data]);
  const chartSymbol = symbol ?? (picked && items.some((s) => s.symbol === picked) ? picked : (items[0]?.symbol ?? null));
  // Signals are computed at closes of the model's own timeframe (its card): the chart uses it.
  const chartModel = useModel(modelId ?? items.find((s) => s.symbol === chartSymbol)?.modelId ?? null);
  const cardTimeframe = chartModel.data?.card.timeframe;
  const timeframe: Timeframe = TIMEFRAMES.find((tf) => tf === cardTimeframe) ?? '1m';

  const setFilter = (key: 'symbol' | 'modelId', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const applySymbol = () => {
    const value = symbolDraft.trim().toUpperCase();
    if (value !== (symbol ?? '')) setFilter('symbol', value);
  };

  return (
    <div className="page" data-testid="signals-page">
      <PageHeader section="Quant" title="Signals" meta={<span className="muted">Every model’s verdicts, live.</span>} />
      <div className="toolbar">
        <label className="inline-field">
          <span className="label">Symbol</span>
          <input
            className="input mono"
            value={symbolDraft}
            placeholder="All symbols"
            maxLength={40}
            onChange={(e) => setSymbolDraft(e.target.value)}
            onBlur={applySymbol}
            onKeyDown={(e) => {
              if (e.key === 'Enter') applySymbol();
            }}
            data-testid="signals-filter-symbol"
          />
        </label>
        <label className="inline-field">
          <span className="label">Model</span>
          <select
            className="select"
            value={modelId ?? ''}
            onChange={(e) => setFilter('modelId', e.target.value)}
            data-testid="signals-filter-model"
          >
            <option value="">All models</option>
            {(models.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} v{m.version} ({m.stage})
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-spacer" />
        <span className="muted">Computed at each bar close; newest first.</span>
      </div>
      <div className="signals-grid">
        <SignalChart symbol={chartSymbol} timeframe={timeframe} signals={items} />
        <section aria-label="Signals">
          {signals.isError ? (
            <ErrorNotice error={signals.error} onRetry={() => void signals.refetch()} />
          ) : (
            <div className="table-wrap signals-table-wrap">
              <table className="table table-dense" data-testid="signals-table" data-count={items.length}>
                <thead>
                  <tr>
                    <th>Bar</th>
                    <th>Symbol</th>
                    <th>Signal</th>
                    <th className="col-num">Score</th>
                    <th>Model</th>
                    <th>Stage</th>
                    <th>Features hash</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <SignalRow
                      key={s.id}
                      signal={s}
                      modelLabel={modelLabel(s, modelsById.get(s.modelId)?.name)}
                      selected={s.symbol === chartSymbol}
                      onPick={() => setPicked(s.symbol)}
                    />
                  ))}
                </tbody>
              </table>
              {signals.isPending && <p className="table-placeholder muted">Loading signals…</p>}
              {signals.isSuccess && items.length === 0 && (
                <EmptyState title="No signals yet.">
                  A production or shadow model scores every symbol of its universe at each bar close; they appear here live.
                </EmptyState>
              )}
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

const modelLabel = (s: SignalDto, name: string | undefined) => `${name ?? s.modelId.slice(-8)} v${s.modelVersion}`;

function SignalRow({
  signal: s,
  modelLabel: label,
  selected,
  onPick,
}: {
  signal: SignalDto;
  modelLabel: string;
  selected: boolean;
  onPick: () => void;
}) {
  return (
    <tr
      className={`row-clickable${selected ? ' row-selected' : ''}`}
      tabIndex={0}
      onClick={onPick}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onPick();
      }}
      data-testid={`signal-row-${s.id}`}
      data-symbol={s.symbol}
      data-signal={s.signal}
      data-model-id={s.modelId}
      data-stage={s.stage}
    >
      <td className="mono nowrap" title={s.ts}>
        {formatDateTime(s.ts)}
      </td>
      <td className="mono">{s.symbol}</td>
      <td>
        <SideChip side={s.signal} testId={`signal-side-${s.id}`} />
      </td>
      <td className={`col-num mono signal-score signal-score-${s.signal.toLowerCase()}`}>{s.score.toFixed(4)}</td>
      <td className="mono nowrap">{label}</td>
      <td>
        <StageChip stage={s.stage} />
      </td>
      <td className="mono muted" title={s.featuresHash}>
        {s.featuresHash.slice(0, 12)}
      </td>
    </tr>
  );
}
