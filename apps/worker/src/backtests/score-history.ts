import { FEATURE_SET_V1, FeatureState, SIGNAL_CODES, signalOf, type BarSeries, type SignalColumns } from '@tradeloop/domain';
import type { CompiledModel, LiveModelSource, RowScorer } from '@tradeloop/ml';

/** Rows per inference call: large batches are what make a model backtest fast. */
const BATCH = 16_384;

/** One symbol's signals as they are taken back, in columns sized for every bar. */
interface Columns {
  readonly ts: Float64Array;
  readonly verdict: Uint8Array;
  readonly score: Float32Array;
  count: number;
}

interface Batch {
  readonly columns: Columns;
  readonly ts: ArrayLike<number>;
  /** Bar index of each row. */
  readonly at: Int32Array;
  readonly n: number;
  readonly scores: Promise<Float32Array>;
}

/**
 * ml-signal over history (docs/backtests.md "ml-signal over history"): each symbol's features from
 * the same FeatureState the live signal engine uses (causal: a bar's row depends only on bars up
 * to it), scored in large batches before the replay, and turned into signals by the card's
 * thresholds exactly as live. Bars in warm-up, or with a non-finite feature, give no signal.
 *
 * A pipeline: while `scorer` scores up to twice its parallelism of batches (on its own threads),
 * this thread computes the next batches' features; scores are taken back in order. Signals come
 * out as columns per symbol (SignalColumns: no object per signal); only BUY and SELL are kept, as a
 * HOLD changes nothing in MlSignalStrategy. The engine names each `<symbol>@<bar ts>`.
 */
export async function scoreHistory(
  compiled: CompiledModel<LiveModelSource>,
  scorer: RowScorer,
  series: readonly BarSeries[],
): Promise<Record<string, SignalColumns>> {
  const width = FEATURE_SET_V1.features.length;
  const cols = compiled.columns;
  const w = cols.length;
  const out: Record<string, SignalColumns> = {};
  const BUY = SIGNAL_CODES.BUY;
  const SELL = SIGNAL_CODES.SELL;
  const inFlight: Batch[] = [];
  const depth = Math.max(2, 2 * scorer.parallelism);

  const take = async (): Promise<void> => {
    const b = inFlight.shift()!;
    const scores = await b.scores;
    const c = b.columns;
    for (let k = 0; k < b.n; k += 1) {
      const verdict = signalOf(scores[k]!, compiled.threshold);
      if (verdict !== 'BUY' && verdict !== 'SELL') continue;
      c.ts[c.count] = b.ts[b.at[k]!]!;
      c.verdict[c.count] = verdict === 'BUY' ? BUY : SELL;
      c.score[c.count] = scores[k]!;
      c.count += 1;
    }
  };

  try {
    const all: [string, Columns][] = [];
    for (const s of series) {
      const n = s.ts.length;
      const columns: Columns = { ts: new Float64Array(n), verdict: new Uint8Array(n), score: new Float32Array(n), count: 0 };
      all.push([s.symbol, columns]);
      const state = new FeatureState(FEATURE_SET_V1);
      const row = new Float64Array(width);
      const size = Math.min(n, BATCH);
      // The hot loop's state stays in locals (no closure captures them: captured variables live in a context object).
      let input = new Float32Array(size * w);
      let at = new Int32Array(size);
      let rows = 0;
      for (let i = 0; i <= n; i += 1) {
        if (i < n) {
          if (!state.updateAt(s.ts[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!, row, 0)) continue;
          const base = rows * w;
          let finite = true;
          for (let j = 0; j < w; j += 1) {
            const v = Math.fround(row[cols[j]!]!);
            // v - v is 0 for a finite v and NaN for ±Infinity and NaN.
            if (v - v !== 0) finite = false;
            input[base + j] = v;
          }
          if (!finite) continue;
          at[rows] = i;
          rows += 1;
          if (rows < size) continue;
        }
        if (rows === 0) continue;
        // The batch's buffer goes to a scoring thread: the next batch gets fresh ones.
        const scores = scorer.score(rows === size ? input : input.subarray(0, rows * w), rows);
        scores.catch(() => undefined); // observed when taken back (or in the finally below), not unhandled meanwhile
        inFlight.push({ columns, ts: s.ts, at, n: rows, scores });
        if (i < n) {
          input = new Float32Array(size * w);
          at = new Int32Array(size);
        }
        rows = 0;
        while (inFlight.length >= depth) await take();
      }
    }
    while (inFlight.length > 0) await take();
    // Exact-length copies: a view would carry its whole buffer into the replay thread.
    for (const [symbol, c] of all)
      out[symbol] = { ts: c.ts.slice(0, c.count), verdict: c.verdict.slice(0, c.count), score: c.score.slice(0, c.count) };
  } finally {
    // A failure leaves batches in flight: wait them out so none rejects unobserved.
    await Promise.allSettled(inFlight.map((b) => b.scores));
  }
  return out;
}
