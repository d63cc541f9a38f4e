/*
 * Quant → Models: the registry. Quants upload (multipart .onnx + card); admins and compliance read.
 *
 * Test ids:
 *   models-page                the page
 *   models-table               the list (data-count)
 *   model-row-<id>             one model (data-name, data-version, data-stage); its name links to the detail
 *   model-stage-<id>           its stage chip (data-stage)
 *   model-upload-form          the upload (quant only)
 *   model-upload-onnx / model-upload-card    the two file inputs
 *   model-upload-submit        sends them
 *   model-upload-error         the server's refusal (data-code), with model-upload-field-error (data-field) per field
 *   model-upload-done          success (data-model-id), with model-upload-open → the detail
 */
import { Link } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { ModelUploadForm } from './ModelUploadForm';
import { StageChip } from './StageChip';
import { useIsQuant } from './useIsQuant';
import { useModels } from './quant-api';
import './quant.css';

export function ModelsPage() {
  const models = useModels();
  const isQuant = useIsQuant();
  const items = models.data?.items ?? [];

  return (
    <div className="page" data-testid="models-page">
      <PageHeader
        section="Quant"
        title="Models"
        meta={<span className="muted">The model registry: one production model per name, every stage change audited.</span>}
      />
      <div className={isQuant ? 'quant-grid' : ''}>
        <section className="panel-flush" aria-labelledby="models-list-title">
          <h2 className="section-title" id="models-list-title">
            Registered models
          </h2>
          {models.isError ? (
            <ErrorNotice error={models.error} onRetry={() => void models.refetch()} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="models-table" data-count={items.length}>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Version</th>
                    <th>Stage</th>
                    <th>Feature set</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((m) => (
                    <tr
                      key={m.id}
                      data-testid={`model-row-${m.id}`}
                      data-name={m.name}
                      data-version={m.version}
                      data-stage={m.stage}
                      className={m.stage === 'archived' ? 'row-muted' : undefined}
                    >
                      <td>
                        <Link to={`/quant/models/${m.id}`} className="tx-link mono" data-testid={`model-link-${m.id}`}>
                          {m.name}
                        </Link>
                      </td>
                      <td className="mono">{m.version}</td>
                      <td>
                        <StageChip stage={m.stage} testId={`model-stage-${m.id}`} />
                      </td>
                      <td className="mono muted">{m.featureSetVersion}</td>
                      <td className="mono nowrap">{formatDateTime(m.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {models.isPending && <p className="table-placeholder muted">Loading models…</p>}
              {models.isSuccess && items.length === 0 && (
                <EmptyState title="No models registered yet.">{isQuant ? 'Upload one with the form.' : 'A quant uploads them.'}</EmptyState>
              )}
            </div>
          )}
        </section>
        {isQuant && (
          <section className="panel" aria-labelledby="model-upload-title">
            <h2 className="panel-title" id="model-upload-title">
              Upload a model
            </h2>
            <ModelUploadForm />
          </section>
        )}
      </div>
    </div>
  );
}
