import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { FOLD_METRICS, type FoldRow } from './card-metrics';

/** One small bar chart per metric: each walk-forward fold (and the holdout), model beside baseline. */
export function FoldMetricsChart({ rows }: { rows: FoldRow[] }) {
  return (
    <div className="fold-charts" data-testid="model-fold-charts" data-folds={rows.length}>
      {FOLD_METRICS.map((m) => {
        const data = rows.map((r) => ({ fold: r.fold, model: r.model[m.key], baseline: r.baseline[m.key] }));
        return (
          <figure key={m.key} className="fold-chart" data-testid={`model-fold-chart-${m.key}`}>
            <figcaption>{m.label}</figcaption>
            <ResponsiveContainer width="100%" height={170}>
              <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
                <XAxis dataKey="fold" tick={{ fontSize: 11 }} stroke="var(--text-muted)" />
                <YAxis tick={{ fontSize: 11 }} width={44} stroke="var(--text-muted)" domain={m.key === 'sharpe' ? ['auto', 'auto'] : [0, 'auto']} tickFormatter={(v: number) => v.toFixed(m.digits === 2 ? 1 : 2)} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(m.digits) : String(v))} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Bar dataKey="model" name="Model" fill="var(--accent)" isAnimationActive={false} />
                <Bar dataKey="baseline" name="Baseline" fill="var(--text-muted)" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
