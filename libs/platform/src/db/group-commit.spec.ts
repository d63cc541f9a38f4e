import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit';

interface Item {
  id: number;
  key: string;
}

/** A writer whose batches finish when the test says so. */
function harness(opts: { maxBatch?: number; maxInFlight?: number; maxWaitMs?: number } = {}) {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const gc = new GroupCommit<Item>({
    key: (i) => i.key,
    maxBatch: opts.maxBatch ?? 8,
    maxInFlight: opts.maxInFlight ?? 2,
    maxWaitMs: opts.maxWaitMs ?? 2,
    write: (batch) => {
      batches.push(batch.map((i) => i.id));
      return new Promise<void>((resolve) => finish.push(resolve));
    },
    fail: () => undefined,
  });
  return { gc, batches, finish };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('GroupCommit', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('writes an item alone at once when nothing is in flight', () => {
    const { gc, batches } = harness();
    gc.submit({ id: 1, key: 'a' });
    expect(batches).toEqual([[1]]);
  });

  it('gathers items arriving during a batch; they wait at most maxWaitMs for it', async () => {
    const { gc, batches, finish } = harness({ maxWaitMs: 2 });
    gc.submit({ id: 1, key: 'a' });
    gc.submit({ id: 2, key: 'b' });
    gc.submit({ id: 3, key: 'c' });
    expect(batches).toEqual([[1]]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1]]);
    vi.advanceTimersByTime(1);
    // 2 ms passed while batch 1 was still running: the second batch goes beside it.
    expect(batches).toEqual([[1], [2, 3]]);
    finish.forEach((f) => f());
    await flush();
  });

  it('a finished batch starts the waiting ones at once', async () => {
    const { gc, batches, finish } = harness({ maxWaitMs: 50 });
    gc.submit({ id: 1, key: 'a' });
    gc.submit({ id: 2, key: 'b' });
    finish[0]!();
    await flush();
    expect(batches).toEqual([[1], [2]]);
  });

  it('never puts two items of one key in a batch, nor runs a key in two batches', async () => {
    const { gc, batches, finish } = harness({ maxWaitMs: 1 });
    gc.submit({ id: 1, key: 'a' });
    gc.submit({ id: 2, key: 'a' });
    gc.submit({ id: 3, key: 'b' });
    vi.advanceTimersByTime(1);
    // 2 waits for key a's batch; 3 goes.
    expect(batches).toEqual([[1], [3]]);
    finish[0]!();
    await flush();
    expect(batches).toEqual([[1], [3], [2]]);
    finish.forEach((f) => f());
    await flush();
  });

  it('keeps at most maxInFlight batches and at most maxBatch items in one', async () => {
    const { gc, batches, finish } = harness({ maxBatch: 2, maxInFlight: 1, maxWaitMs: 1 });
    for (let i = 1; i <= 5; i += 1) gc.submit({ id: i, key: String(i) });
    vi.advanceTimersByTime(5);
    expect(batches).toEqual([[1]]);
    finish[0]!();
    await flush();
    expect(batches).toEqual([[1], [2, 3]]);
    finish[1]!();
    await flush();
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
    expect(gc.pending).toBe(2);
    finish[2]!();
    await flush();
    expect(gc.pending).toBe(0);
  });

  it('a full batch waiting does not wait for the timer', () => {
    const { gc, batches } = harness({ maxBatch: 2, maxInFlight: 2, maxWaitMs: 1000 });
    gc.submit({ id: 1, key: 'a' });
    gc.submit({ id: 2, key: 'b' });
    gc.submit({ id: 3, key: 'c' });
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('a write that throws fails the items of its batch, and the next batch goes', async () => {
    const failed: number[] = [];
    const written: number[] = [];
    const gc = new GroupCommit<Item>({
      key: (i) => i.key,
      maxBatch: 8,
      maxInFlight: 1,
      maxWaitMs: 1,
      write: (batch) => {
        if (batch.some((i) => i.id === 1)) return Promise.reject(new Error('bug'));
        written.push(...batch.map((i) => i.id));
        return Promise.resolve();
      },
      fail: (batch, err) => failed.push(...batch.map((i) => i.id * ((err as Error).message === 'bug' ? 1 : -1))),
    });
    gc.submit({ id: 1, key: 'a' });
    gc.submit({ id: 2, key: 'b' });
    await flush();
    expect(failed).toEqual([1]);
    expect(written).toEqual([2]);
    expect(gc.pending).toBe(0);
  });
});
