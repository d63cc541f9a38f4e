import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LeaderLease } from './leader-lease';
import { LeaderSweep } from './leader-sweep';

const lease = (held: boolean) => {
  const calls = { hold: 0, release: 0 };
  return {
    calls,
    lease: {
      hold: () => {
        calls.hold += 1;
        return Promise.resolve(held);
      },
      release: () => {
        calls.release += 1;
        return Promise.resolve();
      },
    } as unknown as LeaderLease,
  };
};
const log = pino({ level: 'silent' });

describe('LeaderSweep', () => {
  it('sweeps only while it holds the lease', async () => {
    let sweeps = 0;
    const mine = lease(true);
    const theirs = lease(false);
    const a = new LeaderSweep(mine.lease, 1_000, async () => void (sweeps += 1), log, 'test');
    const b = new LeaderSweep(theirs.lease, 1_000, async () => void (sweeps += 100), log, 'test');
    expect(await a.runOnce()).toBe(true);
    expect(await b.runOnce()).toBe(false);
    expect(sweeps).toBe(1);
  });

  it('runs again after each sweep ends, survives a failing sweep, and stop waits for the running one and releases the lease', async () => {
    const { lease: l, calls } = lease(true);
    let runs = 0;
    let release!: () => void;
    const third = new Promise<void>((r) => (release = r));
    let stoppedSeen: boolean | null = null;
    const sweep = new LeaderSweep(
      l,
      1,
      async (stopped) => {
        runs += 1;
        if (runs === 1) throw new Error('a bad sweep');
        if (runs === 3) {
          await third;
          stoppedSeen = stopped();
        }
      },
      log,
      'test',
    );
    sweep.start();
    while (runs < 3) await new Promise((r) => setTimeout(r, 1));
    const stopping = sweep.stop();
    release();
    await stopping;
    expect(stoppedSeen).toBe(true);
    expect(runs).toBe(3);
    expect(calls.release).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(3);
  });
});
