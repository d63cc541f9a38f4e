/*
 * Quant → Signals: what the production and shadow models say at each bar close, live.
 *
 * Test ids:
 *   signals-page                 the page
 *   signals-filter-symbol        symbol filter (text); signals-filter-model (select)
 *   signals-table                newest first; signal-row-<id> (data-signal, data-symbol, data-stage, data-model-id)
 *   signals-chart                the symbol's closes with BUY / SELL markers (data-markers)
 */
import { useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { SignalsChart } from './SignalsChart';
import { useModels, useSignals } from './quant-api';

export function SignalsPage() {
  const [symbol, setSymbol] = useState('');
  const [modelId, setModelId] = useState('');
  const models = useModels();
  const signals = useSignals(symbol.trim().toUpperCase(), modelId);
  const items = signals.data?.items ?? [];
  const chartSymbol = symbol.trim().toUpperCase() || items[0]?.symbol || null;
  const nameOf = new Map((models.data?.items ?? []).map((m) => [m.id, `${m.name} v${m.version}`]));
  return (
    <div className="page" data-testid="signals-page">
      <PageHeader section="Quant" title="Signals" meta={<span className="muted">Every production and shadow model, at each bar close; new ones arrive live.</span>} />
      <div className="toolbar" role="search">
        <label className="inline-field">
          <span>Symbol</span>
          <input className="input mono" value={symbol} onChange={(e) => setSymbol(e.target.value)} placeholder="all" data-testid="signals-filter-symbol" />
        </label>
        <label className="inline-field">
          <span>Model</span>
          <select className="select" value={modelId} onChange={(e) => setModelId(e.target.value)} data-testid="signals-filter-model">
            <option value="">all models</option>
            {(models.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} v{m.version} ({m.stage})
              </option>
            ))}
          </select>
        </label>
      </div>
      {chartSymbol && (
        <section className="panel">
          <h2 className="panel-title">
            {chartSymbol} <span className="muted">1m · signals marked</span>
          </h2>
          <SignalsChart symbol={chartSymbol} signals={items} />
        </section>
      )}
      {signals.isError ? (
        <ErrorNotice error={signals.error} onRetry={() => void signals.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={signals.isPending ? 'Loading…' : 'No signals yet: they arrive at each bar close of a production or shadow model.'} />
      ) : (
        <div className="table-wrap">
          <table className="table table-dense" data-testid="signals-table" data-count={items.length}>
            <thead>
              <tr>
                <th>Bar</th>
                <th>Symbol</th>
                <th>Signal</th>
                <th className="col-num">Score</th>
                <th>Model</th>
                <th>Stage</th>
                <th>Features</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid={`signal-row-${s.id}`} data-signal={s.signal} data-symbol={s.symbol} data-stage={s.stage} data-model-id={s.modelId}>
                  <td className="mono muted">{new Date(s.ts).toLocaleTimeString()}</td>
                  <td className="mono">
                    <button type="button" className="link-button mono" onClick={() => setSymbol(s.symbol)}>
                      {s.symbol}
                    </button>
                  </td>
                  <td>
                    <span className={`chip signal-${s.signal.toLowerCase()}`}>{s.signal}</span>
                  </td>
                  <td className="col-num mono">{s.score.toFixed(4)}</td>
                  <td className="mono">{nameOf.get(s.modelId) ?? s.modelVersion}</td>
                  <td>
                    <span className={`chip stage-${s.stage}`}>{s.stage}</span>
                  </td>
                  <td className="mono muted" title={s.featuresHash}>
                    {s.featuresHash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
