import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { FOLD_METRICS, formatMetric, metricAxis, type WalkForward } from './walk-forward';

const COLORS = { model: '#3d8bfd', baseline: '#5d6877', grid: '#171d28', axis: '#8591a1', reference: '#e8b339' };

/**
 * One small bar chart per metric (AUC, log loss, hit rate, Sharpe after fees): each fold's
 * model beside its baseline, with the no-skill level as a dashed line. The numbers are also in
 * a table below, for reading exactly and for screen readers.
 */
export function WalkForwardCharts({ wf }: { wf: WalkForward }) {
  const modelName = wf.modelKind ?? 'model';
  const baselineName = wf.baselineKind ?? 'baseline';
  return (
    <div className="stack" data-testid="walk-forward" data-folds={wf.folds.length}>
      <div className="wf-grid">
        {FOLD_METRICS.map((m) => {
          const data = wf.folds.map((f) => ({ label: f.label, model: f.model[m.key], baseline: f.baseline[m.key] }));
          const axis = metricAxis(
            data.flatMap((d) => [d.model, d.baseline]),
            m.reference,
          );
          return (
            <figure key={m.key} className="wf-chart" data-testid={`wf-chart-${m.key}`} aria-label={`${m.label} per fold`}>
              <figcaption>
                <span className="wf-chart-title">{m.label}</span>
                <span className="muted">{m.hint}</span>
              </figcaption>
              <div className="wf-chart-surface">
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} barGap={2}>
                    <CartesianGrid stroke={COLORS.grid} vertical={false} />
                    <XAxis dataKey="label" tick={{ fill: COLORS.axis, fontSize: 11 }} stroke={COLORS.grid} />
                    <YAxis
                      tick={{ fill: COLORS.axis, fontSize: 11 }}
                      stroke={COLORS.grid}
                      domain={axis.domain}
                      ticks={axis.ticks}
                      allowDataOverflow
                      tickFormatter={(v: number) => formatMetric(v, m.digits)}
                      width={56}
                    />
                    <Tooltip
                      cursor={{ fill: 'rgba(255,255,255,0.04)' }}
                      contentStyle={{ background: '#121720', border: '1px solid #2a3341', borderRadius: 4, fontSize: 12 }}
                      labelStyle={{ color: '#f1f4f8' }}
                      formatter={(v) => (typeof v === 'number' ? formatMetric(v, m.digits + 1) : '—')}
                    />
                    <Legend wrapperStyle={{ fontSize: 11, color: COLORS.axis }} iconSize={8} />
                    <ReferenceLine y={m.reference} stroke={COLORS.reference} strokeDasharray="4 3" />
                    <Bar dataKey="model" name={modelName} fill={COLORS.model} isAnimationActive={false} />
                    <Bar dataKey="baseline" name={baselineName} fill={COLORS.baseline} isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </figure>
          );
        })}
      </div>
      <div className="table-wrap">
        <table className="table table-dense wf-table" data-testid="wf-table">
          <thead>
            <tr>
              <th>Fold</th>
              <th>Validation window</th>
              {FOLD_METRICS.map((m) => (
                <th key={m.key} className="col-num">
                  {m.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {wf.folds.map((f) => (
              <tr key={f.fold} data-testid={`wf-fold-${f.fold}`}>
                <td>{f.label}</td>
                <td className="mono muted nowrap">{f.from && f.to ? `${f.from.slice(0, 10)} → ${f.to.slice(0, 10)}` : '—'}</td>
                {FOLD_METRICS.map((m) => (
                  <td key={m.key} className="col-num mono" data-metric={m.key}>
                    {formatMetric(f.model[m.key], m.digits)}
                    <span className="wf-baseline"> / {formatMetric(f.baseline[m.key], m.digits)}</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={2}>Mean</th>
              {FOLD_METRICS.map((m) => (
                <td key={m.key} className="col-num mono">
                  {formatMetric(wf.modelMean[m.key], m.digits)}
                  <span className="wf-baseline"> / {formatMetric(wf.baselineMean[m.key], m.digits)}</span>
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="muted small">
        Each cell: {modelName} / <span className="wf-baseline">{baselineName}</span>. {wf.scheme ? `Scheme: ${wf.scheme}.` : ''}
      </p>
    </div>
  );
}
