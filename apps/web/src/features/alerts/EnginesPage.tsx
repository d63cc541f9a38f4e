/*
 * Trade → Engines (docs/alerts.md "Engines"; docs/api.md "Engines"): the caller's engine A rules,
 * engine B agent weights (summing to 100, shown live) and thresholds, the exit tiers, saved with
 * PUT /engines/config (each refusal under the field it names); and the A vs B, real vs shadow
 * comparison of one source with charts. The compared source is kept in ?source=.
 *
 * Test ids: engines-page, engines-save, engines-form, engine-field-<path> (e.g. engine-field-b.weights.risk), engines-weights-total
 * (data-total), engines-form-error, compare-source, (comparison: EngineCompare.tsx)
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { EngineConfigDto } from '@tradeloop/contracts';
import { useSearchParams } from 'react-router-dom';
import { toast } from 'sonner';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { AlertsNav } from './AlertsNav';
import { EngineCompare } from './EngineCompare';
import { fieldProblem } from './field-errors';
import { AGENT_LABEL, AGENTS, fromForm, toForm, weightsTotal, type EngineForm } from './engine-form';
import { useCompare, useEngineConfig, usePutEngineConfig } from './engines-api';
import { useSources } from './webhooks-api';
import './alerts.css';

export function EnginesPage() {
  const config = useEngineConfig();
  const save = usePutEngineConfig();

  return (
    <>
      <AlertsNav />
      <div className="page engines-page" data-testid="engines-page">
        <PageHeader
          section="Trade"
          title="Engines"
          meta={config.data ? (config.data.updatedAt ? `saved ${formatDateTime(config.data.updatedAt)}` : 'defaults (never saved)') : null}
          actions={
            <button
              type="submit"
              form="engines-form"
              className="button button-primary"
              disabled={!config.data || save.isPending}
              data-testid="engines-save"
            >
              {save.isPending ? 'Saving…' : 'Save configuration'}
            </button>
          }
        />
        {config.isError ? (
          <ErrorNotice error={config.error} onRetry={() => void config.refetch()} />
        ) : config.data ? (
          // A save answers the stored config (a new updatedAt): the form starts again from it.
          <ConfigForm key={config.data.updatedAt ?? 'defaults'} initial={config.data} save={save} />
        ) : null}
        <Comparison />
      </div>
    </>
  );
}

function ConfigForm({ initial, save }: { initial: EngineConfigDto; save: ReturnType<typeof usePutEngineConfig> }) {
  const [form, setForm] = useState<EngineForm>(() => toForm(initial));
  const error = save.error;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    save.mutate(fromForm(form), { onSuccess: () => toast.success('Engine configuration saved') });
  };
  // The form's fields, the weights' sum and the directions (a.directions.BUY / SELL are checkboxes of one field).
  const problem = fieldProblem(error, [...Object.keys(form).filter((k) => !k.startsWith('a.directions.')), 'b.weights', 'a.directions']);
  const total = weightsTotal(form);
  const field = (path: string, label: string, opts: { hint?: string; placeholder?: string; width?: string } = {}): ReactNode => {
    const errors = problem.messagesFor(path);
    return (
      <label className="field engine-field" key={path}>
        <span className="label">{label}</span>
        <input
          className="input mono"
          value={form[path] ?? ''}
          placeholder={opts.placeholder}
          onChange={(e) => setForm({ ...form, [path]: e.target.value })}
          aria-invalid={errors.length > 0 || undefined}
          data-testid={`engine-field-${path}`}
        />
        {errors.length > 0 ? (
          <span className="field-error">{errors.join('; ')}</span>
        ) : (
          opts.hint && <span className="field-hint">{opts.hint}</span>
        )}
      </label>
    );
  };
  const weightErrors = problem.messagesFor('b.weights');
  return (
    <form
      id="engines-form"
      className="engines-form"
      onSubmit={onSubmit}
      noValidate
      aria-label="Engine configuration"
      data-testid="engines-form"
    >
      {problem.banner && (
        <div className="notice notice-error" role="alert" data-testid="engines-form-error">
          {problem.banner}
        </div>
      )}
      <div className="engines-columns">
        <section className="panel engine-panel" aria-label="Engine A — rules">
          <h2 className="panel-title">Engine A — rules</h2>
          <div className="engine-fields">
            {field('a.session.from', 'Session from (IST)', { placeholder: '09:20' })}
            {field('a.session.to', 'Session to (IST)', { placeholder: '15:00' })}
            {field('a.limits.maxOpenPositions', 'Max open positions')}
            {field('a.limits.maxExposure', 'Max exposure (₹)')}
          </div>
          {field('a.allowedSymbols', 'Allowed symbols (blank: any)', { placeholder: 'RELIANCE, NIFTY26D0825900CE' })}
          <div className="row">
            <span className="label">Directions</span>
            {(['BUY', 'SELL'] as const).map((d) => (
              <label key={d} className="check-row">
                <input
                  type="checkbox"
                  checked={form[`a.directions.${d}`] === 'on'}
                  onChange={(e) => setForm({ ...form, [`a.directions.${d}`]: e.target.checked ? 'on' : '' })}
                  data-testid={`engine-field-a.directions.${d}`}
                />
                <span>{d}</span>
              </label>
            ))}
            {problem.messagesFor('a.directions').length > 0 && (
              <span className="field-error">{problem.messagesFor('a.directions').join('; ')}</span>
            )}
          </div>
          <p className="muted small">Also checked: no duplicate position per symbol. ENTER only when every rule passes.</p>
        </section>
        <section className="panel engine-panel" aria-label="Engine B — agents">
          <h2 className="panel-title">Engine B — agents</h2>
          <div className="engine-fields">{AGENTS.map((a) => field(`b.weights.${a}`, `${AGENT_LABEL[a]} weight %`))}</div>
          <div
            className={`small weights-total ${total === 100 ? 'text-positive' : 'text-negative'}`}
            data-testid="engines-weights-total"
            data-total={total ?? ''}
            role="status"
          >
            Weights sum to {total ?? '?'} % {total === 100 ? '✓' : '— must be 100 %'}
            {weightErrors.length > 0 && <span className="field-error"> {weightErrors.join('; ')}</span>}
          </div>
          <div className="engine-fields">
            {field('b.entryThreshold', 'Entry threshold (0–100)', { hint: 'ENTER when the weighted total reaches it' })}
            {field('b.vetoThreshold', 'Veto threshold (risk score)', { hint: 'the risk agent vetoes above it' })}
            {field('b.limits.maxOpenPositions', 'Max open positions')}
            {field('b.limits.maxExposure', 'Max exposure (₹)')}
            {field('b.trendLookback', 'Trend lookback (candles)')}
            {field('b.trendThresholdPct', 'Trend threshold %')}
            {field('b.atrPctHigh', 'High ATR %')}
            {field('b.lowBandwidthPercentile', 'Squeeze bandwidth percentile')}
          </div>
        </section>
        <section className="panel engine-panel" aria-label="Exit tiers (blank: off)">
          <h2 className="panel-title">Exit tiers (blank: off)</h2>
          <div className="engine-fields">
            {field('exit.stopLossPct', '2 · Stop loss %')}
            {field('exit.maxHoldingMinutes', '2 · Max holding (min)')}
            {field('exit.minDaysToExpiry', '2 · Min days to expiry')}
            {field('exit.targetPct', '3 · Target %')}
            {field('exit.minAbsDelta', '4 · Min |delta|')}
            {field('exit.minGamma', '4 · Min gamma')}
            {field('exit.minThetaPctPerDay', '4 · Min theta %/day')}
            {field('exit.minVega', '4 · Min vega')}
            {field('exit.fillTimeoutMs', '1 · Fill timeout (ms)')}
            {field('exit.staleTickMs', '1 · Stale tick (ms)')}
            {field('exit.rate', 'Risk-free rate')}
          </div>
        </section>
      </div>
    </form>
  );
}

function Comparison() {
  const sources = useSources();
  const [params, setParams] = useSearchParams();
  const items = sources.data?.items ?? [];
  const sourceId = items.find((s) => s.id === params.get('source'))?.id ?? items[0]?.id ?? null;
  const compare = useCompare(sourceId);
  return (
    <section className="panel" aria-label="A vs B comparison">
      <div className="setup-head">
        <h2 className="section-title">A vs B — real and shadow</h2>
        {items.length > 0 && (
          <select
            className="select"
            value={sourceId ?? ''}
            onChange={(e) => setParams((p) => (p.set('source', e.target.value), p), { replace: true })}
            aria-label="Source"
            data-testid="compare-source"
          >
            {items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </div>
      {sources.isPending ? null : items.length === 0 ? (
        <EmptyState title="No webhook sources yet">Create a source in Trade → Webhooks; its deliveries are compared here.</EmptyState>
      ) : compare.isError ? (
        <ErrorNotice error={compare.error} onRetry={() => void compare.refetch()} />
      ) : compare.data ? (
        <EngineCompare compare={compare.data} />
      ) : null}
    </section>
  );
}
