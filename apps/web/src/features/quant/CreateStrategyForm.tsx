import { useState } from 'react';
import type { CreateStrategyRequest } from '@tradeloop/contracts';
import { describeError, isApiError } from '../../lib/api';
import { useCreateStrategy, useModels } from './quant-api';

/** A new strategy: an ml-signal one follows a model; an sma-crossover one needs its two windows. */
export function CreateStrategyForm() {
  const models = useModels();
  const create = useCreateStrategy();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<CreateStrategyRequest['kind']>('ml-signal');
  const [symbols, setSymbols] = useState('RELIANCE, TCS, INFY');
  const [modelId, setModelId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [fast, setFast] = useState('5');
  const [slow, setSlow] = useState('20');
  const [mode, setMode] = useState<CreateStrategyRequest['mode']>('paper');
  const usable = (models.data?.items ?? []).filter((m) => m.stage !== 'archived');
  const chosenModel = modelId || usable.find((m) => m.stage === 'production')?.id || '';
  const errorOf = (field: string) => (isApiError(create.error) ? create.error.fieldErrors.filter((f) => f.field === field || f.field.startsWith(`${field}.`)).map((f) => f.message).join('; ') : '');
  const submit = () => {
    const body: CreateStrategyRequest = {
      name: name.trim(),
      kind,
      symbols: symbols.split(/[\s,]+/).filter(Boolean),
      params: kind === 'ml-signal' ? { quantity: Number(quantity) } : { quantity: Number(quantity), fast: Number(fast), slow: Number(slow) },
      mode,
      ...(kind === 'ml-signal' ? { modelId: chosenModel } : {}),
    };
    create.mutate(body, { onSuccess: () => setName('') });
  };
  const field = (label: string, key: string, input: React.ReactNode) => (
    <label className="field">
      <span className="label">{label}</span>
      {input}
      {errorOf(key) && <span className="field-error">{errorOf(key)}</span>}
    </label>
  );
  return (
    <form
      className="panel stack strategy-form"
      data-testid="strategy-create-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 className="panel-title">New strategy</h2>
      {field('Name', 'name', <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="strategy-name" />)}
      <div className="segmented" role="group" aria-label="Kind">
        {(['ml-signal', 'sma-crossover'] as const).map((k) => (
          <button key={k} type="button" className="segment" aria-pressed={kind === k} onClick={() => setKind(k)} data-testid={`strategy-kind-${k}`}>
            {k}
          </button>
        ))}
      </div>
      {field('Symbols', 'symbols', <input className="input mono" value={symbols} onChange={(e) => setSymbols(e.target.value)} data-testid="strategy-symbols" />)}
      {kind === 'ml-signal' &&
        field(
          'Model',
          'modelId',
          <select className="select" value={chosenModel} onChange={(e) => setModelId(e.target.value)} data-testid="strategy-model">
            <option value="">choose a model</option>
            {usable.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} v{m.version} ({m.stage})
              </option>
            ))}
          </select>,
        )}
      {field('Quantity (units)', 'params.quantity', <input className="input mono" type="number" min={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} data-testid="strategy-quantity" />)}
      {kind === 'sma-crossover' && (
        <div className="form-row">
          {field('Fast SMA', 'params.fast', <input className="input mono" type="number" min={1} value={fast} onChange={(e) => setFast(e.target.value)} data-testid="strategy-fast" />)}
          {field('Slow SMA', 'params.slow', <input className="input mono" type="number" min={2} value={slow} onChange={(e) => setSlow(e.target.value)} data-testid="strategy-slow" />)}
        </div>
      )}
      <div className="segmented" role="group" aria-label="Mode">
        {(['paper', 'live'] as const).map((m) => (
          <button key={m} type="button" className="segment" aria-pressed={mode === m} onClick={() => setMode(m)} data-testid={`strategy-mode-${m}`}>
            {m}
          </button>
        ))}
      </div>
      {create.isError && (
        <div className="notice notice-error" role="alert" data-testid="strategy-create-error">
          {describeError(create.error)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()} data-testid="strategy-create-submit">
          Create
        </button>
      </div>
    </form>
  );
}
