import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FoldMetricsChart } from './FoldMetricsChart';
import { foldRows, holdoutRow } from './card-metrics';
import { useModel } from './quant-api';

const fmt = (v: unknown, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

/** One model: its card (inputs, thresholds, horizon, trainer), walk-forward charts and stage history. */
export function ModelDetailPanel({ id }: { id: string }) {
  const q = useModel(id);
  if (q.isError) return <ErrorNotice error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <EmptyState title="Loading the model card…" />;
  const m = q.data;
  const card = m.card as typeof m.card & { timeframe?: string; trainer?: string; dataset?: { symbols?: string[]; rows?: number } };
  const holdout = holdoutRow(m.metrics);
  const rows = [...foldRows(m.metrics), ...(holdout ? [holdout] : [])];
  return (
    <section className="panel stack" data-testid="model-detail" data-model-id={m.id}>
      <h2 className="panel-title">
        {m.name} <span className="mono">v{m.version}</span> <span className={`chip stage-${m.stage}`}>{m.stage}</span>
      </h2>
      <dl className="properties properties-compact model-card-props">
        <dt>Timeframe · horizon</dt>
        <dd>
          {card.timeframe ?? '—'} bars · {card.horizon} bars ahead
        </dd>
        <dt>Thresholds</dt>
        <dd data-testid="model-thresholds">
          BUY ≥ {card.threshold.buy} · SELL ≤ {card.threshold.sell}
        </dd>
        <dt>Feature set</dt>
        <dd className="mono">{m.featureSetVersion}</dd>
        <dt>Inputs</dt>
        <dd className="mono model-features">{card.features.join(', ')}</dd>
        <dt>Trained</dt>
        <dd>
          {new Date(card.trainedAt).toLocaleString()} · {card.trainer}
        </dd>
        {card.dataset?.symbols && (
          <>
            <dt>Dataset</dt>
            <dd>
              {card.dataset.rows?.toLocaleString()} rows · {card.dataset.symbols.join(', ')}
            </dd>
          </>
        )}
        <dt>Checksum</dt>
        <dd className="mono">{m.checksum.slice(0, 16)}…</dd>
      </dl>
      <h3 className="section-title">Walk-forward validation</h3>
      {rows.length ? (
        <>
          <FoldMetricsChart rows={rows} />
          <table className="table table-dense" data-testid="model-fold-table">
            <thead>
              <tr>
                <th>Fold</th>
                <th className="col-num">AUC</th>
                <th className="col-num">Log loss</th>
                <th className="col-num">Hit rate</th>
                <th className="col-num">Sharpe</th>
                <th className="col-num">Baseline AUC</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.fold}>
                  <td>{r.fold}</td>
                  <td className="col-num mono">{fmt(r.model.auc)}</td>
                  <td className="col-num mono">{fmt(r.model.logLoss)}</td>
                  <td className="col-num mono">{fmt(r.model.hitRate)}</td>
                  <td className="col-num mono">{fmt(r.model.sharpe, 2)}</td>
                  <td className="col-num mono">{fmt(r.baseline.auc)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <EmptyState title="This card has no walk-forward folds." />
      )}
      <h3 className="section-title">Stage history</h3>
      <ol className="stage-history" data-testid="model-stage-history">
        {m.stages.map((s, i) => (
          <li key={i}>
            <span className="mono muted">{new Date(s.at).toLocaleString()}</span> {s.from ?? 'new'} → <strong>{s.to}</strong> <span className="muted">({s.reason})</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
