import { useRef, useState } from 'react';
import { describeError, isApiError } from '../../lib/api';
import { useUploadModel } from './quant-api';

/** Upload an .onnx and its card; the server's checks come back as field errors. */
export function ModelUploadForm({ onUploaded }: { onUploaded: (id: string) => void }) {
  const [model, setModel] = useState<File | null>(null);
  const [card, setCard] = useState<File | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const upload = useUploadModel();
  const fieldErrors = isApiError(upload.error) ? upload.error.fieldErrors : [];
  return (
    <form
      ref={form}
      className="panel stack upload-form"
      data-testid="model-upload-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!model || !card) return;
        upload.mutate(
          { model, card },
          {
            onSuccess: ({ model: m }) => {
              form.current?.reset();
              setModel(null);
              setCard(null);
              onUploaded(m.id);
            },
          },
        );
      }}
    >
      <h2 className="panel-title">Register a model</h2>
      <label className="field">
        <span className="label">Model (.onnx)</span>
        <input className="input" type="file" accept=".onnx" onChange={(e) => setModel(e.target.files?.[0] ?? null)} data-testid="model-upload-file" />
      </label>
      <label className="field">
        <span className="label">Model card (card.json)</span>
        <input className="input" type="file" accept=".json,application/json" onChange={(e) => setCard(e.target.files?.[0] ?? null)} data-testid="model-upload-card" />
      </label>
      {upload.isError && (
        <div className="notice notice-error" role="alert" data-testid="model-upload-error">
          {describeError(upload.error)}
          {fieldErrors.length > 0 && (
            <ul className="field-error-list">
              {fieldErrors.map((f) => (
                <li key={f.field + f.message}>
                  <span className="mono">{f.field}</span>: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p className="muted">It enters in staging after the server checks that it loads, matches its card and this server’s feature set.</p>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!model || !card || upload.isPending} data-testid="model-upload-submit">
          {upload.isPending ? 'Checking…' : 'Upload'}
        </button>
      </div>
    </form>
  );
}
