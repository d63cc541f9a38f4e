import { FEATURE_SET_V1, FeatureState, signalOf, type BarSeries, type SignalInput } from '@tradeloop/domain';
import type { CompiledModel, LiveModelSource, ModelScorer } from '@tradeloop/ml';

/** Rows per inference call: large batches are what make a model backtest fast. */
const BATCH = 8_192;

/**
 * ml-signal over history (docs/backtests.md "ml-signal over history"): each symbol's features from
 * the same FeatureState the live signal engine uses (causal: a bar's row depends only on bars up
 * to it), scored in large batches before the replay, and turned into signals by the card's
 * thresholds exactly as live. Bars in warm-up, or with a non-finite feature, give no signal.
 * Signal ids are `<symbol>@<bar ts>` (deterministic: the same run gives the same ids).
 */
export async function scoreHistory(
  compiled: CompiledModel<LiveModelSource>,
  scorer: ModelScorer,
  series: readonly BarSeries[],
): Promise<Record<string, SignalInput[]>> {
  const width = FEATURE_SET_V1.features.length;
  const cols = compiled.columns;
  const out: Record<string, SignalInput[]> = {};
  for (const s of series) {
    const state = new FeatureState(FEATURE_SET_V1);
    const row = new Float64Array(width);
    const n = s.ts.length;
    const input = new Float32Array(Math.min(n, BATCH) * cols.length);
    const at: number[] = [];
    const signals: SignalInput[] = [];
    const flush = async () => {
      if (at.length === 0) return;
      const scores = await scorer.score(compiled.source, input, at.length);
      for (let k = 0; k < at.length; k += 1) {
        const verdict = signalOf(scores[k]!, compiled.threshold);
        if (verdict === null) continue;
        const ts = s.ts[at[k]!]!;
        signals.push({ id: `${s.symbol}@${ts}`, symbol: s.symbol, ts, signal: verdict, score: scores[k]! });
      }
      at.length = 0;
    };
    for (let i = 0; i < n; i += 1) {
      if (!state.updateAt(s.ts[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!, row, 0)) continue;
      const base = at.length * cols.length;
      let finite = true;
      for (let j = 0; j < cols.length; j += 1) {
        const v = Math.fround(row[cols[j]!]!);
        if (!Number.isFinite(v)) finite = false;
        input[base + j] = v;
      }
      if (!finite) continue;
      at.push(i);
      if (at.length === BATCH) await flush();
    }
    await flush();
    out[s.symbol] = signals;
  }
  return out;
}
