import { useState, type FormEvent } from 'react';
import { STRATEGY_KINDS, STRATEGY_MODES, type CreateStrategyRequest, type ModelDto } from '@tradeloop/contracts';
import { describeError, isApiError } from '../../lib/api';
import { useCreateStrategy } from './quant-api';
import { parseSymbols } from './strategy-format';

type Kind = (typeof STRATEGY_KINDS)[number];
type Mode = (typeof STRATEGY_MODES)[number];

const KIND_HINT: Record<Kind, string> = {
  'ml-signal': 'Long the quantity on a BUY from the model’s production signals; flat (or short) on SELL.',
  'sma-crossover': 'Long the quantity when the fast SMA of the close crosses above the slow one.',
};

/**
 * A new strategy (created stopped). Params are per kind; the server checks them against the
 * kind's schema and its field errors (`params.quantity`, `modelId`, …) are shown on the fields.
 */
/** The bar sizes an sma-crossover can run on (its SMAs are of these bars' closes). */
const SMA_TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;

export function StrategyCreateForm({ models }: { models: readonly ModelDto[] }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('ml-signal');
  const [symbols, setSymbols] = useState('');
  const [modelId, setModelId] = useState('');
  const [mode, setMode] = useState<Mode>('paper');
  const [quantity, setQuantity] = useState('1');
  const [allowShort, setAllowShort] = useState(false);
  const [fast, setFast] = useState('5');
  const [slow, setSlow] = useState('20');
  const [timeframe, setTimeframe] = useState<(typeof SMA_TIMEFRAMES)[number]>('1m');
  const create = useCreateStrategy();
  const error = create.error;
  const errorsFor = (field: string) => (isApiError(error) ? error.messagesFor(field) : []);
  const usable = models.filter((m) => m.stage !== 'archived');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const params: CreateStrategyRequest['params'] =
      kind === 'ml-signal'
        ? { quantity: Number(quantity), allowShort }
        : { fast: Number(fast), slow: Number(slow), quantity: Number(quantity), allowShort, timeframe };
    const body: CreateStrategyRequest = {
      name: name.trim(),
      kind,
      symbols: parseSymbols(symbols),
      params,
      mode,
      ...(kind === 'ml-signal' && modelId ? { modelId } : {}),
    };
    create.mutate(body, {
      onSuccess: () => {
        setName('');
        setSymbols('');
      },
    });
  };

  const fieldErrors = (field: string) =>
    errorsFor(field).map((m) => (
      <span key={m} className="field-error" data-testid={`strategy-error-${field}`}>
        {m}
      </span>
    ));

  return (
    <form className="stack" onSubmit={submit} data-testid="strategy-create-form" noValidate>
      <label className="field">
        <span className="label">Name</span>
        <input
          className="input"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errorsFor('name').length > 0 || undefined}
          data-testid="strategy-name"
        />
        {fieldErrors('name')}
      </label>
      <div className="field">
        <span className="label">Kind</span>
        <div className="segmented quant-segmented" role="group" aria-label="Kind">
          {STRATEGY_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              className="segment"
              aria-pressed={kind === k}
              onClick={() => setKind(k)}
              data-testid={`strategy-kind-${k}`}
            >
              {k}
            </button>
          ))}
        </div>
        <span className="field-hint">{KIND_HINT[kind]}</span>
      </div>
      <label className="field">
        <span className="label">Symbols</span>
        <input
          className="input mono"
          value={symbols}
          placeholder="INFY, TCS, RELIANCE"
          onChange={(e) => setSymbols(e.target.value)}
          aria-invalid={errorsFor('symbols').length > 0 || undefined}
          data-testid="strategy-symbols"
        />
        {fieldErrors('symbols')}
      </label>
      {kind === 'ml-signal' && (
        <label className="field">
          <span className="label">Model</span>
          <select
            className="select"
            value={modelId}
            onChange={(e) => setModelId(e.target.value)}
            aria-invalid={errorsFor('modelId').length > 0 || undefined}
            data-testid="strategy-model"
          >
            <option value="">Pick a model…</option>
            {usable.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} v{m.version} ({m.stage})
              </option>
            ))}
          </select>
          <span className="field-hint">Only a production model’s signals place orders.</span>
          {fieldErrors('modelId')}
        </label>
      )}
      <fieldset className="fieldset">
        <legend>Parameters</legend>
        <div className="param-grid">
          {kind === 'sma-crossover' && (
            <>
              <label className="field">
                <span className="label">Fast SMA</span>
                <input
                  className="input mono"
                  inputMode="numeric"
                  value={fast}
                  onChange={(e) => setFast(e.target.value)}
                  data-testid="strategy-param-fast"
                />
                {fieldErrors('params.fast')}
              </label>
              <label className="field">
                <span className="label">Slow SMA</span>
                <input
                  className="input mono"
                  inputMode="numeric"
                  value={slow}
                  onChange={(e) => setSlow(e.target.value)}
                  data-testid="strategy-param-slow"
                />
                {fieldErrors('params.slow')}
              </label>
              <label className="field">
                <span className="label">Bars</span>
                <select
                  className="input"
                  value={timeframe}
                  onChange={(e) => setTimeframe(e.target.value as (typeof SMA_TIMEFRAMES)[number])}
                  data-testid="strategy-param-timeframe"
                >
                  {SMA_TIMEFRAMES.map((tf) => (
                    <option key={tf} value={tf}>
                      {tf}
                    </option>
                  ))}
                </select>
                {fieldErrors('params.timeframe')}
              </label>
            </>
          )}
          <label className="field">
            <span className="label">Quantity (units)</span>
            <input
              className="input mono"
              inputMode="numeric"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              data-testid="strategy-param-quantity"
            />
            {fieldErrors('params.quantity')}
          </label>
        </div>
        <label className="check-row">
          <input
            type="checkbox"
            checked={allowShort}
            onChange={(e) => setAllowShort(e.target.checked)}
            data-testid="strategy-param-allowShort"
          />
          <span>Allow short (SELL goes short instead of flat)</span>
        </label>
      </fieldset>
      <div className="field">
        <span className="label">Mode</span>
        <div className="segmented quant-segmented" role="group" aria-label="Mode">
          {STRATEGY_MODES.map((m) => (
            <button
              key={m}
              type="button"
              className="segment"
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
              data-testid={`strategy-mode-${m}`}
            >
              {m}
            </button>
          ))}
        </div>
        <span className="field-hint">
          {mode === 'paper'
            ? 'Orders go to the paper broker: simulated fills, no real money.'
            : 'Live orders need a live broker connection.'}
        </span>
      </div>
      {create.isError && (
        <div
          className="notice notice-error"
          role="alert"
          data-testid="strategy-create-error"
          data-code={isApiError(error) ? error.code : ''}
        >
          {describeError(error)}
        </div>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending || !name.trim() || parseSymbols(symbols).length === 0}
          data-testid="strategy-create-submit"
        >
          {create.isPending ? 'Creating…' : 'Create strategy'}
        </button>
      </div>
    </form>
  );
}
