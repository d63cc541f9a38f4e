import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchScoringPool } from './batch-scoring';
import { openSession, runScores } from './onnx-model';

// The threads run the compiled script (the build precedes the unit tests in `npm test`).
const ROOT = resolve(__dirname, '../../../..');
const threadFile = resolve(ROOT, 'libs/ml/dist/registry/batch-scoring.thread.js');
const model = new Uint8Array(readFileSync(resolve(ROOT, 'models/demo-momentum/1/model.onnx')));
const W = 13;

/** Deterministic rows in the ranges the demo model's features take. */
function rows(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n * W);
  for (let i = 0; i < out.length; i += 1) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * (i % W === 12 ? 8 : 0.2);
  }
  return out;
}

let pool: BatchScoringPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('BatchScoringPool', { timeout: 30_000 }, () => {
  it('scores every batch exactly as one session in this thread does, each answer to its own batch, whatever order the threads finish in', async () => {
    pool = await BatchScoringPool.open(model, W, { threads: 2, threadFile });
    expect(pool.parallelism).toBe(2);
    const session = await openSession(model);
    const sizes = [1, 7, 4_096, 3, 8_192, 500, 2, 1_000, 1, 64, 9, 2_048];
    const batches = sizes.map((n, k) => rows(n, 100 + k));
    // Every batch submitted at once: more than the threads, so some wait in the queue.
    const expected = await Promise.all(batches.map((b, k) => runScores(session, b, sizes[k]!, W)));
    const got = await Promise.all(batches.map((b, k) => pool!.score(b.slice(), sizes[k]!)));
    got.forEach((scores, k) => {
      expect(scores).toBeInstanceOf(Float32Array);
      expect(scores.length).toBe(sizes[k]);
      expect(Array.from(scores)).toEqual(Array.from(expected[k]!));
    });
  });

  it('a view into a larger buffer is scored from a copy: the caller’s buffer stays usable', async () => {
    pool = await BatchScoringPool.open(model, W, { threads: 1, threadFile });
    const big = rows(100, 7);
    const view = big.subarray(10 * W, 30 * W);
    const scores = await pool.score(view, 20);
    expect(scores.length).toBe(20);
    expect(big.length).toBe(100 * W); // not detached
    expect(view[0]).toBe(big[10 * W]);
  });

  it('a model that cannot be opened fails the open with the reason', async () => {
    await expect(BatchScoringPool.open(new Uint8Array([1, 2, 3, 4]), W, { threads: 2, threadFile })).rejects.toThrow(/the model cannot be opened/);
  });

  it('a failed batch breaks the pool: that batch, the queued ones and every later call are refused with the cause', async () => {
    // Opened with the wrong width: onnxruntime refuses the first run.
    pool = await BatchScoringPool.open(model, W - 1, { threads: 1, threadFile });
    const first = pool.score(new Float32Array(4 * (W - 1)), 4);
    const queued = pool.score(new Float32Array(4 * (W - 1)), 4);
    await expect(first).rejects.toThrow(/scoring failed/);
    await expect(queued).rejects.toThrow(/scoring failed/);
    await expect(pool.score(new Float32Array(W - 1), 1)).rejects.toThrow(/scoring failed/);
  });

  it('close while a thread is inside a run: every unanswered batch is refused, the thread ends after its run (never killed inside it), later calls are refused', async () => {
    pool = await BatchScoringPool.open(model, W, { threads: 1, threadFile });
    const pending = [pool.score(rows(8_192, 1), 8_192), pool.score(rows(8_192, 2), 8_192), pool.score(rows(8_192, 3), 8_192)];
    const settled = Promise.allSettled(pending);
    await pool.close();
    const outcomes = await settled;
    // Closed in the same turn as the calls: no answer can have been taken yet.
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(pool.score(rows(1, 1), 1)).rejects.toThrow(/closed/);
  });

  it('refuses a thread count or width that is not a positive integer', async () => {
    await expect(BatchScoringPool.open(model, W, { threads: 0, threadFile })).rejects.toThrow(RangeError);
    await expect(BatchScoringPool.open(model, 0, { threads: 1, threadFile })).rejects.toThrow(RangeError);
  });
});
