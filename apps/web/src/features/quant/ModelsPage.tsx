/*
 * Quant → Models: the registry.
 *
 * Test ids:
 *   models-page                   the page
 *   model-upload-form / model-upload-file / model-upload-card / model-upload-submit / model-upload-error
 *   models-table                  every model; model-row-<id> (data-stage, data-name, data-version)
 *   model-open-<id>               shows its card and charts in model-detail
 *   model-promote-<id>            → model-promote-dialog: model-promote-stage-<stage>, model-promote-replaces,
 *                                   model-promote-confirm, model-promote-error
 *   model-fold-charts             recharts bar charts per metric (data-folds)
 */
import { useState } from 'react';
import type { ModelDto } from '@tradeloop/contracts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { ModelDetailPanel } from './ModelDetailPanel';
import { ModelUploadForm } from './ModelUploadForm';
import { PromoteDialog } from './PromoteDialog';
import { useModels } from './quant-api';

export function ModelsPage() {
  const models = useModels();
  const [open, setOpen] = useState<string | null>(null);
  const [promoting, setPromoting] = useState<ModelDto | null>(null);
  const items = models.data?.items ?? [];
  const selected = open ?? items.find((m) => m.stage === 'production')?.id ?? items[0]?.id ?? null;
  const productionOf = (name: string) => items.find((m) => m.name === name && m.stage === 'production') ?? null;
  return (
    <div className="page" data-testid="models-page">
      <PageHeader section="Quant" title="Models" meta={<span className="muted">staging → shadow → production → archived. One production model per name.</span>} />
      <div className="quant-grid">
        <div className="stack">
          <ModelUploadForm onUploaded={setOpen} />
          <section className="panel">
            <h2 className="panel-title">Registry</h2>
            {models.isError ? (
              <ErrorNotice error={models.error} onRetry={() => void models.refetch()} />
            ) : items.length === 0 ? (
              <EmptyState title={models.isPending ? 'Loading…' : 'No models yet: upload one.'} />
            ) : (
              <div className="table-wrap">
                <table className="table table-dense" data-testid="models-table">
                  <thead>
                    <tr>
                      <th>Model</th>
                      <th>Stage</th>
                      <th className="col-num">AUC (mean)</th>
                      <th className="col-actions" aria-label="Actions" />
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((m) => (
                      <tr key={m.id} data-testid={`model-row-${m.id}`} data-stage={m.stage} data-name={m.name} data-version={m.version} className={m.id === selected ? 'row-selected' : undefined}>
                        <td>
                          <button type="button" className="link-button mono" onClick={() => setOpen(m.id)} data-testid={`model-open-${m.id}`}>
                            {m.name} v{m.version}
                          </button>
                          <div className="muted cell-sub">{new Date(m.createdAt).toLocaleString()}</div>
                        </td>
                        <td>
                          <span className={`chip stage-${m.stage}`}>{m.stage}</span>
                        </td>
                        <td className="col-num mono">{meanAuc(m)}</td>
                        <td className="col-actions">
                          <button type="button" className="button button-small" onClick={() => setPromoting(m)} data-testid={`model-promote-${m.id}`}>
                            Stage…
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
        {selected ? <ModelDetailPanel key={selected} id={selected} /> : <EmptyState title="Pick a model to see its card." />}
      </div>
      <PromoteDialog model={promoting} current={promoting ? productionOf(promoting.name) : null} onClose={() => setPromoting(null)} />
    </div>
  );
}

function meanAuc(m: ModelDto): string {
  const mean = ((m.metrics.walkForward as { model?: { mean?: { auc?: unknown } } } | undefined)?.model?.mean?.auc);
  return typeof mean === 'number' ? mean.toFixed(3) : '—';
}
