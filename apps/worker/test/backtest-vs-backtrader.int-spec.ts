// docs/backtests.md "Proof against backtrader": our built backtest engine (libs/domain/dist,
// through bench/backtest/ours.mjs) and backtrader (PyPI, pinned in bench/backtest/.venv, through
// bench/backtest/backtrader_run.py) run the same CSV with the same semantics — SMA fast/slow
// crossover, long only, quantity 1, market orders filled at the next bar's open, no fees — and
// must agree fill for fill and on the final P&L. A change of semantics on either side (fill
// timing, cross detection, position handling, P&L) breaks it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const BT = join(ROOT, 'bench/backtest');
const PYTHON = join(BT, '.venv/bin/python');
const dir = mkdtempSync(join(tmpdir(), 'tl-backtrader-'));

interface Fill {
  ts: number;
  side: 'BUY' | 'SELL';
  price: number;
}
interface RunReport {
  engine: string;
  bars: number;
  count: number;
  fills: Fill[];
  position: number;
  pnlTicks: number;
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, TZ: 'UTC' } });
}
const backtrader = (csv: string, fast: number, slow: number): RunReport =>
  JSON.parse(run(PYTHON, [join(BT, 'backtrader_run.py'), csv, '--fast', String(fast), '--slow', String(slow)])) as RunReport;
const ours = (csv: string, fast: number, slow: number): RunReport =>
  JSON.parse(run(process.execPath, [join(BT, 'ours.mjs'), csv, '--fast', String(fast), '--slow', String(slow)])) as RunReport;

beforeAll(() => {
  run('bash', [join(BT, 'setup.sh')]); // builds the pinned venv once, a no-op afterwards
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 5, 3, 45);
const RUPEE = 10_000; // ticks

describe('backtest engine vs backtrader', () => {
  it('both fill a hand-computed series exactly where the crosses say (SMA 2/3)', () => {
    // Closes in rupees; each open is the previous close + ₹1 so a next-open fill is unmistakable.
    //   bar  close  SMA2   SMA3    sign
    //    2    102   103    102      +   (first full bar: no cross yet)
    //    3     99   100.5  101.67   −   cross down, flat: nothing to do
    //    6    106   103    100.67   +   cross up → BUY at bar 7's open, 107
    //    8    103   105.5  105.67   −   cross down → SELL at bar 9's open, 104
    //   11    101    99     98.67   +   cross up → BUY at bar 12's open, 102
    //   13    107   106    104.33   +   end: long 1, marked at 107
    // P&L = (104 − 107) + (107 − 102) = ₹2 = 20,000 ticks.
    const closes = [100, 104, 102, 99, 96, 100, 106, 108, 103, 98, 97, 101, 105, 107];
    const rows = closes.map((c, i) => {
      const o = i === 0 ? 100 : closes[i - 1]! + 1;
      return [T0 + i * 60_000, o * RUPEE, (Math.max(o, c) + 1) * RUPEE, (Math.min(o, c) - 1) * RUPEE, c * RUPEE, 1_000].join(',');
    });
    const csv = join(dir, 'hand.csv');
    writeFileSync(csv, ['ts,open,high,low,close,volume', ...rows, ''].join('\n'));
    const expected: Fill[] = [
      { ts: T0 + 7 * 60_000, side: 'BUY', price: 107 * RUPEE },
      { ts: T0 + 9 * 60_000, side: 'SELL', price: 104 * RUPEE },
      { ts: T0 + 12 * 60_000, side: 'BUY', price: 102 * RUPEE },
    ];
    for (const report of [backtrader(csv, 2, 3), ours(csv, 2, 3)]) {
      expect(report.fills, report.engine).toEqual(expected);
      expect(report.position, report.engine).toBe(1);
      expect(report.pnlTicks, report.engine).toBe(2 * RUPEE);
    }
  });

  it('agree fill for fill and on the final P&L over 5,000 generated bars (SMA 10/30)', () => {
    const csv = join(dir, 'bars.csv');
    run(process.execPath, [join(BT, 'data.mjs'), '--bars', '5000', '--seed', '17', '--fast', '10', '--slow', '30', '--out', csv]);

    // The data is tie-robust: no full bar has |SMA10 − SMA30| under one tick (exact integer sums).
    const rows = readFileSync(csv, 'ascii')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const close = rows.map((r) => r[4]!);
    const openAt = new Map(rows.map((r) => [r[0]!, r[1]!]));
    expect(close).toHaveLength(5_000);
    const sum = (from: number, to: number) => close.slice(from, to).reduce((a, b) => a + b, 0);
    for (let i = 29; i < close.length; i += 1)
      expect(Math.abs(sum(i - 9, i + 1) * 30 - sum(i - 29, i + 1) * 10)).toBeGreaterThanOrEqual(300);

    const theirs = backtrader(csv, 10, 30);
    const mine = ours(csv, 10, 30);
    expect(theirs.bars).toBe(5_000);
    expect(mine.bars).toBe(5_000);
    // Not vacuous: many round trips, alternating BUY/SELL from a BUY, every price a bar's open.
    expect(theirs.count).toBeGreaterThan(100);
    theirs.fills.forEach((f, i) => {
      expect(f.side).toBe(i % 2 === 0 ? 'BUY' : 'SELL');
      expect(f.price).toBe(openAt.get(f.ts));
    });
    expect(mine.count).toBe(theirs.count);
    expect(mine.fills).toEqual(theirs.fills);
    expect(mine.position).toBe(theirs.position);
    expect(mine.pnlTicks).toBe(theirs.pnlTicks);
    // To the paisa (1 paisa = 100 ticks): the same figure, so the same paise.
    expect(Math.round(mine.pnlTicks / 100)).toBe(Math.round(theirs.pnlTicks / 100));
  });
});
