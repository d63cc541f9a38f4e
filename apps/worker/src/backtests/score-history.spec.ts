import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_SET_V1, FeatureState, SIGNAL_CODES, signalOf, type BarSeries, type SignalColumns } from '@tradeloop/domain';
import {
  BatchScoringPool,
  compileModel,
  openSession,
  runScores,
  type CompiledModel,
  type LiveModelSource,
  type RowScorer,
} from '@tradeloop/ml';
import { scoreHistory } from './score-history';

// The pool's threads run the compiled script (the build precedes the unit tests in `npm test`).
const ROOT = resolve(__dirname, '../../../..');
const threadFile = resolve(ROOT, 'libs/ml/dist/registry/batch-scoring.thread.js');
const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'models/demo-momentum/1/model.onnx')));
const card = JSON.parse(readFileSync(resolve(ROOT, 'models/demo-momentum/1/card.json'), 'utf8')) as LiveModelSource['card'];
const source = { id: 'm', name: 'demo-momentum', version: '1', stage: 'production', card } as LiveModelSource;
const compiled = compileModel(source) as CompiledModel<LiveModelSource>;

/** A seeded random walk of 1-minute bars in integer ticks; `flatFrom` bars on are one price and no volume (features go non-finite). */
function walk(symbol: string, n: number, seed: number, flatFrom = n): BarSeries {
  let x = seed >>> 0;
  const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const s: BarSeries = {
    symbol,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let p = 2_500_000;
  for (let i = 0; i < n; i += 1) {
    const moving = i < flatFrom;
    const o = p;
    if (moving) p = Math.max(10_000, p + Math.round((rnd() - 0.5) * 6_000));
    (s.ts as Float64Array)[i] = 1_765_000_000_000 + i * 60_000;
    (s.open as Float64Array)[i] = o;
    (s.close as Float64Array)[i] = p;
    (s.high as Float64Array)[i] = Math.max(o, p) + (moving ? Math.round(rnd() * 2_000) : 0);
    (s.low as Float64Array)[i] = Math.min(o, p) - (moving ? Math.round(rnd() * 2_000) : 0);
    (s.volume as Float64Array)[i] = moving ? 100 + Math.round(rnd() * 5_000) : 0;
  }
  return s;
}

/** The definition, the simple way: every row's features, one onnxruntime run in this thread, the card's rule, BUY and SELL kept. */
async function reference(series: readonly BarSeries[]): Promise<Record<string, SignalColumns>> {
  const session = await openSession(bytes);
  const w = compiled.columns.length;
  const out: Record<string, SignalColumns> = {};
  for (const s of series) {
    const state = new FeatureState(FEATURE_SET_V1);
    const row = new Float64Array(FEATURE_SET_V1.features.length);
    const rows: number[] = [];
    const at: number[] = [];
    for (let i = 0; i < s.ts.length; i += 1) {
      if (!state.updateAt(s.ts[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!, row, 0)) continue;
      const f = Array.from(compiled.columns, (c) => Math.fround(row[c]!));
      if (!f.every(Number.isFinite)) continue;
      rows.push(...f);
      at.push(i);
    }
    const scores = at.length ? await runScores(session, Float32Array.from(rows), at.length, w) : new Float32Array(0);
    const ts: number[] = [];
    const verdict: number[] = [];
    const score: number[] = [];
    at.forEach((i, k) => {
      const v = signalOf(scores[k]!, compiled.threshold);
      if (v !== 'BUY' && v !== 'SELL') return;
      ts.push(s.ts[i]!);
      verdict.push(SIGNAL_CODES[v]);
      score.push(scores[k]!);
    });
    out[s.symbol] = { ts: Float64Array.from(ts), verdict: Uint8Array.from(verdict), score: Float32Array.from(score) };
  }
  return out;
}

let pool: BatchScoringPool;
beforeAll(async () => {
  pool = await BatchScoringPool.open(bytes, compiled.columns.length, { threads: 2, threadFile });
});
afterAll(() => pool.close());

describe('scoreHistory: features pipelined with the scoring threads', { timeout: 60_000 }, () => {
  it('gives exactly the signals of the simple definition, across batch boundaries and symbols, in columns of exact length', async () => {
    // 40,000 bars: two full batches of 16,384 and a part; a symbol all warm-up; one whose last bars go flat.
    const series = [walk('AAA', 40_000, 1), walk('BBB', 60, 2), walk('CCC', 9_000, 3, 8_500)];
    const [got, want] = await Promise.all([scoreHistory(compiled, pool, series), reference(series)]);
    expect(Object.keys(got)).toEqual(['AAA', 'BBB', 'CCC']);
    for (const symbol of Object.keys(want)) {
      const g = got[symbol]!;
      const r = want[symbol]!;
      expect(g.ts.length, symbol).toBe(r.ts.length);
      expect(g.ts.buffer.byteLength).toBe(g.ts.byteLength); // no view into a larger buffer
      expect(Array.from(g.ts)).toEqual(Array.from(r.ts));
      expect(Array.from(g.verdict)).toEqual(Array.from(r.verdict));
      expect(Array.from(g.score)).toEqual(Array.from(r.score));
    }
    expect(got.AAA!.ts.length).toBeGreaterThan(1_000);
    expect(new Set(got.AAA!.verdict)).toEqual(new Set([SIGNAL_CODES.BUY, SIGNAL_CODES.SELL]));
    expect(got.BBB!.ts.length).toBe(0);
  });

  it('keeps at most twice the scorer’s parallelism of batches in flight, and a scoring failure fails the whole call', async () => {
    let open = 0;
    let most = 0;
    let calls = 0;
    const counting: RowScorer = {
      parallelism: 2,
      score: async (rows, n) => {
        open += 1;
        most = Math.max(most, open);
        calls += 1;
        try {
          await new Promise((r) => setImmediate(r));
          return await pool.score(rows, n);
        } finally {
          open -= 1;
        }
      },
    };
    await scoreHistory(compiled, counting, [walk('AAA', 120_000, 4)]);
    expect(calls).toBe(8); // 119,9xx rows in batches of 16,384
    expect(most).toBe(4);
    let k = 0;
    const failing: RowScorer = {
      parallelism: 2,
      score: (rows, n) => (++k === 3 ? Promise.reject(new Error('thread died')) : pool.score(rows, n)),
    };
    await expect(scoreHistory(compiled, failing, [walk('AAA', 60_000, 4)])).rejects.toThrow('thread died');
  });
});
