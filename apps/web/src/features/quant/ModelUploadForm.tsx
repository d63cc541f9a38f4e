import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { ModelDto } from '@tradeloop/contracts';
import { describeError, isApiError } from '../../lib/api';
import { useUploadModel } from './quant-api';

/**
 * The .onnx and its card, sent as one multipart upload. The server checks both (card schema,
 * feature-set version, the graph loads and scores); its refusal is shown with every field error.
 */
export function ModelUploadForm() {
  const [model, setModel] = useState<File | null>(null);
  const [card, setCard] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<ModelDto | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const upload = useUploadModel();
  const error = upload.error;
  const fieldErrors = isApiError(error) ? error.fieldErrors : [];
  const modelErrors = fieldErrors.filter((f) => f.field === 'model');
  const cardErrors = fieldErrors.filter((f) => f.field !== 'model');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!model || !card || upload.isPending) return;
    setUploaded(null);
    upload.mutate(
      { model, card },
      {
        onSuccess: (result) => {
          setUploaded(result.model);
          setModel(null);
          setCard(null);
          formRef.current?.reset();
        },
      },
    );
  };

  return (
    <form ref={formRef} className="stack" onSubmit={submit} data-testid="model-upload-form" noValidate>
      <label className="field">
        <span className="label">Model (.onnx)</span>
        <input
          className="input input-file"
          type="file"
          accept=".onnx,application/octet-stream"
          aria-invalid={modelErrors.length > 0 || undefined}
          onChange={(e) => setModel(e.target.files?.[0] ?? null)}
          data-testid="model-upload-onnx"
        />
        {modelErrors.map((f) => (
          <span key={f.message} className="field-error">
            {f.message}
          </span>
        ))}
      </label>
      <label className="field">
        <span className="label">Model card (.json)</span>
        <input
          className="input input-file"
          type="file"
          accept=".json,application/json"
          aria-invalid={cardErrors.length > 0 || undefined}
          onChange={(e) => setCard(e.target.files?.[0] ?? null)}
          data-testid="model-upload-card"
        />
        <span className="field-hint">
          Written by <span className="mono">npm run ml:train</span> beside the .onnx. Its name and version must be new.
        </span>
      </label>
      {upload.isError && (
        <div
          className="notice notice-error upload-problem"
          role="alert"
          data-testid="model-upload-error"
          data-code={isApiError(error) ? error.code : ''}
        >
          <span>{describeError(error)}</span>
          {cardErrors.length > 0 && (
            <ul className="problem-fields">
              {cardErrors.map((f) => (
                <li key={`${f.field}:${f.message}`} data-testid="model-upload-field-error" data-field={f.field}>
                  <span className="mono">{f.field}</span> {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {uploaded && (
        <div className="notice notice-success" role="status" data-testid="model-upload-done" data-model-id={uploaded.id}>
          <span>
            Registered <strong className="mono">{uploaded.name}</strong> v{uploaded.version} in staging.
          </span>
          <Link to={`/quant/models/${uploaded.id}`} className="button button-small" data-testid="model-upload-open">
            Open
          </Link>
        </div>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!model || !card || upload.isPending}
          data-testid="model-upload-submit"
        >
          {upload.isPending ? 'Uploading…' : 'Upload model'}
        </button>
      </div>
    </form>
  );
}
