import { describe, expect, it } from 'vitest';
import type { BarSeries } from '@tradeloop/domain';
import { replay, type BacktestThreadInput, type BacktestThreadMessage } from './backtest.thread';

const N = 20_000;
function series(): BarSeries {
  const close = Float64Array.from({ length: N }, (_, i) => 25_000_000 + Math.round(1_000_000 * Math.sin(i / 40)));
  return {
    symbol: 'RELIANCE',
    ts: Float64Array.from({ length: N }, (_, i) => 1_000_000 + i * 60_000),
    open: close.slice(),
    high: close.map((c) => c + 2_000),
    low: close.map((c) => c - 2_000),
    close,
    volume: new Float64Array(N).fill(1_000),
  };
}
const input = (stop: Int32Array): BacktestThreadInput => ({
  kind: 'sma-crossover',
  params: { fast: 5, slow: 20, quantity: 1, allowShort: false },
  series: [series()],
  fillModel: { at: 'next_open', slippageBps: 0, maxParticipation: null },
  fees: true,
  initialCapitalPaise: 10_000_000n,
  stop,
  progressEvery: 4_096,
  progressMs: 0,
});
const run = (stop: Int32Array, onProgress?: () => void) => {
  const out: BacktestThreadMessage[] = [];
  replay(input(stop), (m) => {
    out.push(m);
    if (m.type === 'progress') onProgress?.();
  });
  return out;
};
const resultOf = (out: BacktestThreadMessage[]) => (out.at(-1) as Extract<BacktestThreadMessage, { type: 'result' }>).result;

describe('backtest thread replay', () => {
  it('runs to the end with progress every progressEvery bars and a completed result', () => {
    const out = run(new Int32Array(new SharedArrayBuffer(4)));
    const done = out.filter((m) => m.type === 'progress').map((m) => (m as { done: number }).done);
    expect(done.slice(0, 4)).toEqual([4_096, 8_192, 12_288, 16_384]);
    const r = resultOf(out);
    expect(r).toMatchObject({ status: 'completed', barsProcessed: N });
    expect(r.trades.length).toBeGreaterThan(10);
    expect(r.feesPaid).toBeGreaterThan(0n);
  });

  it('stops at the next check once the shared flag is set, reporting a cancelled result', () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    // The main thread sets the flag after the first progress message (as its heartbeat does on a cancel).
    const r = resultOf(run(stop, () => Atomics.store(stop, 0, 1)));
    expect(r.status).toBe('cancelled');
    expect(r.barsProcessed).toBe(4_096);
  });

  it('the same inputs give the same trades', () => {
    const a = resultOf(run(new Int32Array(new SharedArrayBuffer(4))));
    const b = resultOf(run(new Int32Array(new SharedArrayBuffer(4))));
    expect(b.trades).toEqual(a.trades);
  });
});
