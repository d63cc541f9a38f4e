import { useState, type FormEvent, type ReactNode } from 'react';
import { FILL_AT, STRATEGY_KINDS, type ModelDto } from '@tradeloop/contracts';
import { TIMEFRAMES, type Timeframe } from '@tradeloop/domain';
import { describeError, isApiError } from '../../lib/api';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { useInstrumentSearch } from '../trade/trade-api';
import { zoneLabel } from '../../lib/format';
import {
  checkBacktestForm,
  formFieldOf,
  sweepCount,
  sweptFields,
  toLocalInput,
  type BacktestFormValues,
  type FormErrors,
} from './backtest-form';
import { useCreateBacktest } from './backtests-api';

const DAY_MS = 86_400_000;
const FILL_LABEL: Record<(typeof FILL_AT)[number], string> = { next_open: 'Next open', close: 'Close' };

const initialValues = (): BacktestFormValues => {
  const now = Date.now();
  return {
    kind: 'sma-crossover',
    fast: '5',
    slow: '20',
    quantity: '1',
    allowShort: false,
    modelId: '',
    symbols: [],
    timeframe: '5m',
    from: toLocalInput(now - 7 * DAY_MS),
    to: toLocalInput(now),
    fillAt: 'next_open',
    slippageBps: '0',
    maxParticipation: '',
    fees: true,
    initialCapital: '100000',
    outOfSamplePct: '30',
  };
};

/**
 * A new backtest, or a sweep: the SMA periods take a list ("5,10,20") or a range ("5-20 step 5"),
 * and fast × slow combinations run as child backtests with an out-of-sample share (the count is
 * shown before submit). Client checks mirror the server's; the server's field errors (a 400's
 * `strategy.params.fast`, a 422's `symbols.0`, …) are shown in words on the field they name.
 *
 * Test ids: backtest-form, backtest-kind-<kind>, backtest-param-<fast|slow|quantity|allowShort>, backtest-model,
 * backtest-symbol-search, backtest-symbol-option-<SYMBOL>, backtest-symbol-<SYMBOL> (chip; its × removes),
 * backtest-timeframe, backtest-from, backtest-to, backtest-fill-<next_open|close>, backtest-slippage,
 * backtest-participation, backtest-fees, backtest-capital, backtest-combinations (data-count), backtest-oos, backtest-submit, backtest-create-error (data-code),
 * backtest-error-<field> (data-source client|server).
 */
export function BacktestForm({ models, onStarted }: { models: readonly ModelDto[]; onStarted: (id: string) => void }) {
  const [v, setV] = useState<BacktestFormValues>(initialValues);
  const [clientErrors, setClientErrors] = useState<FormErrors>({});
  const create = useCreateBacktest();
  const set = <K extends keyof BacktestFormValues>(key: K, value: BacktestFormValues[K]) => setV((prev) => ({ ...prev, [key]: value }));

  const serverErrors: Record<string, string[]> = {};
  if (isApiError(create.error)) for (const f of create.error.fieldErrors) (serverErrors[formFieldOf(f.field)] ??= []).push(f.message);

  const errorOf = (field: string): ReactNode => {
    const client = clientErrors[field];
    const server = serverErrors[field] ?? [];
    if (!client && server.length === 0) return null;
    return (
      <span className="field-error" data-testid={`backtest-error-${field}`} data-source={client ? 'client' : 'server'}>
        {client ?? server.join('; ')}
      </span>
    );
  };
  const invalid = (field: string) => (clientErrors[field] || serverErrors[field] ? true : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const { errors, request } = checkBacktestForm(v);
    setClientErrors(errors);
    if (!request) {
      create.reset();
      return;
    }
    create.mutate(request, { onSuccess: (r) => onStarted(r.id) });
  };

  const usable = models.filter((m) => m.stage !== 'archived');
  const combinations = sweepCount(v);
  const sweep = combinations > 1;
  // Field errors the form has no field for are listed in the notice.
  const unplaced = isApiError(create.error) ? create.error.fieldErrors.filter((f) => !FIELDS.has(formFieldOf(f.field))) : [];

  return (
    <form className="backtest-form" onSubmit={submit} data-testid="backtest-form" noValidate>
      <div className="field">
        <span className="label">Strategy</span>
        <div className="segmented quant-segmented" role="group" aria-label="Strategy kind">
          {STRATEGY_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              className="segment"
              aria-pressed={v.kind === k}
              onClick={() => set('kind', k)}
              data-testid={`backtest-kind-${k}`}
            >
              {k}
            </button>
          ))}
        </div>
        {errorOf('strategy.kind')}
      </div>
      <div className="backtest-row">
        {v.kind === 'sma-crossover' && (
          <>
            <label className="field">
              <span className="label">Fast SMA</span>
              <input
                className="input mono"
                inputMode="numeric"
                value={v.fast}
                placeholder="5 or 5,10,20"
                title="One period, a list (5,10,20) or a range (5-20 step 5)"
                onChange={(e) => set('fast', e.target.value)}
                aria-invalid={invalid('strategy.params.fast')}
                data-testid="backtest-param-fast"
              />
              {errorOf('strategy.params.fast')}
            </label>
            <label className="field">
              <span className="label">Slow SMA</span>
              <input
                className="input mono"
                inputMode="numeric"
                value={v.slow}
                placeholder="20-60 step 20"
                title="One period, a list (5,10,20) or a range (5-20 step 5)"
                onChange={(e) => set('slow', e.target.value)}
                aria-invalid={invalid('strategy.params.slow')}
                data-testid="backtest-param-slow"
              />
              {errorOf('strategy.params.slow')}
            </label>
          </>
        )}
        {v.kind === 'ml-signal' && (
          <label className="field backtest-span-2">
            <span className="label">Model</span>
            <select
              className="select"
              value={v.modelId}
              onChange={(e) => set('modelId', e.target.value)}
              aria-invalid={invalid('strategy.modelId')}
              data-testid="backtest-model"
            >
              <option value="">Pick a model…</option>
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} v{m.version} ({m.stage})
                </option>
              ))}
            </select>
            {errorOf('strategy.modelId')}
          </label>
        )}
        <label className="field">
          <span className="label">Quantity</span>
          <input
            className="input mono"
            inputMode="numeric"
            value={v.quantity}
            placeholder="1 or 1,2,5"
            title="One quantity, a list (1,2,5) or a range (1-5): a list makes a sweep"
            onChange={(e) => set('quantity', e.target.value)}
            aria-invalid={invalid('strategy.params.quantity')}
            data-testid="backtest-param-quantity"
          />
          {errorOf('strategy.params.quantity')}
        </label>
      </div>
      <label className="check-row backtest-check">
        <input
          type="checkbox"
          checked={v.allowShort}
          onChange={(e) => set('allowShort', e.target.checked)}
          data-testid="backtest-param-allowShort"
        />
        <span>Allow short (a SELL goes short instead of flat)</span>
      </label>
      <SymbolsField symbols={v.symbols} onChange={(s) => set('symbols', s)} error={errorOf('symbols')} invalid={invalid('symbols')} />
      <div className="backtest-row">
        <label className="field">
          <span className="label">Timeframe</span>
          <select
            className="select"
            value={v.timeframe}
            onChange={(e) => set('timeframe', e.target.value as Timeframe)}
            aria-invalid={invalid('timeframe')}
            data-testid="backtest-timeframe"
          >
            {TIMEFRAMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {errorOf('timeframe')}
        </label>
        <label className="field backtest-span-2">
          <span className="label">Initial capital (₹)</span>
          <input
            className="input mono"
            inputMode="decimal"
            value={v.initialCapital}
            onChange={(e) => set('initialCapital', e.target.value)}
            aria-invalid={invalid('initialCapital')}
            data-testid="backtest-capital"
          />
          {errorOf('initialCapital')}
        </label>
      </div>
      <div className="backtest-row backtest-row-2">
        <label className="field">
          <span className="label" data-testid="backtest-from-label">
            From ({zoneLabel()})
          </span>
          <input
            className="input mono"
            type="datetime-local"
            value={v.from}
            onChange={(e) => set('from', e.target.value)}
            aria-invalid={invalid('from')}
            data-testid="backtest-from"
          />
          {errorOf('from')}
        </label>
        <label className="field">
          <span className="label">To ({zoneLabel()})</span>
          <input
            className="input mono"
            type="datetime-local"
            value={v.to}
            onChange={(e) => set('to', e.target.value)}
            aria-invalid={invalid('to')}
            data-testid="backtest-to"
          />
          {errorOf('to')}
        </label>
      </div>
      <div className="backtest-row backtest-row-fill">
        <div className="field">
          <span className="label">Fill at</span>
          <div className="segmented quant-segmented" role="group" aria-label="Fill at">
            {FILL_AT.map((f) => (
              <button
                key={f}
                type="button"
                className="segment"
                aria-pressed={v.fillAt === f}
                onClick={() => set('fillAt', f)}
                data-testid={`backtest-fill-${f}`}
              >
                {FILL_LABEL[f]}
              </button>
            ))}
          </div>
        </div>
        <label className="field">
          <span className="label">Slippage (bps)</span>
          <input
            className="input mono"
            inputMode="decimal"
            value={v.slippageBps}
            onChange={(e) => set('slippageBps', e.target.value)}
            aria-invalid={invalid('fillModel.slippageBps')}
            data-testid="backtest-slippage"
          />
          {errorOf('fillModel.slippageBps')}
        </label>
        <label className="field">
          <span className="label" title="Share of a bar's volume that may fill; empty fills whole">
            Max particip.
          </span>
          <input
            className="input mono"
            inputMode="decimal"
            value={v.maxParticipation}
            placeholder="whole"
            onChange={(e) => set('maxParticipation', e.target.value)}
            aria-invalid={invalid('fillModel.maxParticipation')}
            data-testid="backtest-participation"
          />
          {errorOf('fillModel.maxParticipation')}
        </label>
      </div>
      <label className="check-row backtest-check">
        <input type="checkbox" checked={v.fees} onChange={(e) => set('fees', e.target.checked)} data-testid="backtest-fees" />
        <span>Charge fees and taxes per fill</span>
      </label>
      {create.isError && (
        <div
          className="notice notice-error"
          role="alert"
          data-testid="backtest-create-error"
          data-code={isApiError(create.error) ? create.error.code : ''}
        >
          {describeError(create.error)}
          {unplaced.length > 0 && <span className="mono"> ({unplaced.map((f) => `${f.field}: ${f.message}`).join('; ')})</span>}
        </div>
      )}
      {sweep && (
        <label className="field backtest-oos">
          <span className="label" title="The last part of the range each combination is replayed on apart, to show overfitting">
            Out-of-sample %
          </span>
          <input
            className="input mono"
            inputMode="decimal"
            value={v.outOfSamplePct}
            onChange={(e) => set('outOfSamplePct', e.target.value)}
            aria-invalid={invalid('outOfSample')}
            data-testid="backtest-oos"
          />
          {errorOf('outOfSample')}
        </label>
      )}
      <div className="form-actions">
        <span className="muted backtest-combinations" data-testid="backtest-combinations" data-count={combinations}>
          {sweep ? `${combinations} combinations (${sweptFields(v).join(' × ')})` : combinations === 1 ? 'single run' : ''}
        </span>
        <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="backtest-submit">
          {create.isPending ? 'Starting…' : sweep ? `Run sweep (${combinations})` : 'Run backtest'}
        </button>
      </div>
    </form>
  );
}

/** Fields the form shows errors on (formFieldOf's targets). */
const FIELDS = new Set([
  'strategy.kind',
  'strategy.params.fast',
  'strategy.params.slow',
  'strategy.params.quantity',
  'strategy.modelId',
  'symbols',
  'timeframe',
  'initialCapital',
  'from',
  'to',
  'fillModel.slippageBps',
  'fillModel.maxParticipation',
  'outOfSample',
]);

const SEARCH_DEBOUNCE_MS = 200;

/** The symbols as chips, added through the app's instrument search (click or Enter picks a match). */
function SymbolsField({
  symbols,
  onChange,
  error,
  invalid,
}: {
  symbols: string[];
  onChange: (symbols: string[]) => void;
  error: ReactNode;
  invalid: true | undefined;
}) {
  const [text, setText] = useState('');
  const query = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const search = useInstrumentSearch(query);
  const results = text.trim() ? (search.data?.items ?? []).filter((i) => i.instrumentType !== 'INDEX').slice(0, 8) : [];
  const add = (s: string) => {
    if (!symbols.includes(s)) onChange([...symbols, s]);
    setText('');
  };
  return (
    <div className="field backtest-symbols">
      <span className="label" id="backtest-symbols-label">
        Symbols
      </span>
      <div className="backtest-symbol-box" aria-invalid={invalid}>
        {symbols.map((s) => (
          <span key={s} className="chip chip-neutral mono" data-testid={`backtest-symbol-${s}`}>
            {s}
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${s}`}
              onClick={() => onChange(symbols.filter((x) => x !== s))}
            >
              ×
            </button>
          </span>
        ))}
        <input
          className="backtest-symbol-input mono"
          aria-labelledby="backtest-symbols-label"
          value={text}
          placeholder={symbols.length ? 'Add…' : 'Search: RELIANCE, INFY…'}
          onChange={(e) => setText(e.target.value.toUpperCase())}
          onBlur={() => window.setTimeout(() => setText(''), 150)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              const first = results.find((i) => i.symbol === text.trim()) ?? results[0];
              if (first) add(first.symbol);
            } else if (e.key === 'Backspace' && text === '' && symbols.length) onChange(symbols.slice(0, -1));
          }}
          autoComplete="off"
          spellCheck={false}
          data-testid="backtest-symbol-search"
        />
      </div>
      {results.length > 0 && (
        <ul className="ticket-symbol-list backtest-symbol-list" role="listbox" aria-label="Matching instruments">
          {results.map((i) => (
            <li
              key={i.symbol}
              role="option"
              aria-selected={symbols.includes(i.symbol)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => add(i.symbol)}
              data-testid={`backtest-symbol-option-${i.symbol}`}
            >
              <span className="mono">{i.symbol}</span> <span className="muted">{i.name}</span>
            </li>
          ))}
        </ul>
      )}
      {error}
    </div>
  );
}
