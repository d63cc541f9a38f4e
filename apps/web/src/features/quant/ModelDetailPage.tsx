/*
 * Quant → Models → one model: its card, walk-forward metrics per fold, stage history, and the
 * stage change (quants only).
 *
 * Test ids:
 *   model-detail               the page (data-model-id, data-stage)
 *   model-detail-stage         its stage chip (data-stage)
 *   model-card                 the card's fields; model-card-features (data-count), model-card-threshold-buy/-sell,
 *                              model-card-horizon, model-card-timeframe, model-card-trainer
 *   walk-forward               the per-fold charts (data-folds); wf-chart-<auc|logLoss|hitRate|sharpe>, wf-table, wf-fold-<n>
 *   model-stages               stage history
 *   model-promote              opens the stage change → promote-dialog, promote-stage-<stage>, promote-replaces,
 *                              promote-confirm, promote-error
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { PromoteDialog } from './PromoteDialog';
import { StageChip } from './StageChip';
import { useIsQuant } from './useIsQuant';
import { useModel, useModels } from './quant-api';
import { extractWalkForward } from './walk-forward';
import { WalkForwardCharts } from './WalkForwardCharts';
import './quant.css';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const formatBytes = (n: number) => (n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`);

export function ModelDetailPage() {
  const { modelId = '' } = useParams();
  const detail = useModel(modelId);
  const models = useModels();
  const isQuant = useIsQuant();
  const [promoting, setPromoting] = useState(false);

  if (detail.isError) {
    return (
      <div className="page">
        <PageHeader section="Quant" title="Model" />
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
        <Link to="/quant/models" className="button">
          Back to the models
        </Link>
      </div>
    );
  }
  if (!detail.data) return <div className="page muted">Loading the model…</div>;

  const model = detail.data;
  const card = model.card;
  const listed = models.data?.items.find((m) => m.id === model.id);
  // The list is re-read after a promotion; the detail too (same key prefix). Prefer the fresher list copy.
  const current = listed ?? model;
  const production = models.data?.items.find((m) => m.name === model.name && m.stage === 'production') ?? null;
  const wf = extractWalkForward(card.metrics);
  const timeframe = str(card.timeframe);
  const stages = model.stages ?? [];

  return (
    <div className="page" data-testid="model-detail" data-model-id={model.id} data-stage={current.stage}>
      <PageHeader
        section="Quant"
        title={`${model.name} v${model.version}`}
        meta={<StageChip stage={current.stage} testId="model-detail-stage" />}
        actions={
          <>
            <Link to="/quant/models" className="button button-ghost">
              All models
            </Link>
            {isQuant && (
              <button type="button" className="button button-primary" onClick={() => setPromoting(true)} data-testid="model-promote">
                Promote / roll back
              </button>
            )}
          </>
        }
      />
      <div className="model-detail-grid">
        <section className="panel" aria-labelledby="model-card-title" data-testid="model-card">
          <h2 className="panel-title" id="model-card-title">
            Model card
          </h2>
          <dl className="properties">
            <dt>Target</dt>
            <dd>
              <span className="mono">{card.target}</span>
              {str(card.targetDefinition) && <span className="muted"> — {str(card.targetDefinition)}</span>}
            </dd>
            <dt>Horizon</dt>
            <dd className="mono" data-testid="model-card-horizon">
              {card.horizon} bars
            </dd>
            <dt>Timeframe</dt>
            <dd className="mono" data-testid="model-card-timeframe">
              {timeframe ?? '—'}
            </dd>
            <dt>Thresholds</dt>
            <dd className="mono">
              <span className="text-positive" data-testid="model-card-threshold-buy">
                BUY ≥ {card.threshold.buy}
              </span>
              {'  ·  '}
              <span className="text-negative" data-testid="model-card-threshold-sell">
                SELL ≤ {card.threshold.sell}
              </span>
            </dd>
            <dt>Feature set</dt>
            <dd className="mono">
              {str(card.featureSetName) ? `${str(card.featureSetName)} · ` : ''}
              {card.featureSetVersion}
            </dd>
            <dt>Trained</dt>
            <dd className="mono">{formatDateTime(card.trainedAt)}</dd>
            <dt>Trainer</dt>
            <dd className="mono" data-testid="model-card-trainer">
              {card.trainer}
            </dd>
            <dt>Artifact</dt>
            <dd className="mono muted">
              {formatBytes(model.sizeBytes)} · sha256 {model.checksum.slice(0, 12)}…
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="model-features-title">
          <h2 className="panel-title" id="model-features-title">
            Features <span className="muted">({card.features.length}, in input order)</span>
          </h2>
          <ol className="feature-list mono" data-testid="model-card-features" data-count={card.features.length}>
            {card.features.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ol>
        </section>
      </div>

      <h2 className="section-title">Walk-forward validation, per fold</h2>
      {wf ? <WalkForwardCharts wf={wf} /> : <EmptyState title="This card has no walk-forward folds (metrics.walkForward.model.folds)." />}

      <h2 className="section-title">Stage history</h2>
      <div className="table-wrap">
        <table className="table table-dense" data-testid="model-stages" data-count={stages.length}>
          <thead>
            <tr>
              <th>When</th>
              <th>From</th>
              <th>To</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {stages.map((s) => (
              <tr key={`${s.at}-${s.to}`}>
                <td className="mono nowrap">{formatDateTime(s.at)}</td>
                <td>{s.from ? <StageChip stage={s.from} /> : <span className="muted">—</span>}</td>
                <td>
                  <StageChip stage={s.to} />
                </td>
                <td className="muted">{s.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {stages.length === 0 && <p className="table-placeholder muted">No stage changes recorded.</p>}
      </div>
      <PromoteDialog model={promoting ? current : null} production={production} onClose={() => setPromoting(false)} />
    </div>
  );
}
