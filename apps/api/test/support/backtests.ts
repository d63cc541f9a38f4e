import type { Db } from '@tradeloop/platform';

// Shared by the backtest int tests (docs/backtests.md "Runs, storage and API").

/**
 * A backtest request body: SMA 5/20 crossover, quantity 1, on RELIANCE 1m candles over [from, to)
 * (epoch ms), fills at the close, no fees, ₹1,00,000; `over` replaces any top-level field.
 */
export const backtestRequest = (from: number, to: number, over: Record<string, unknown> = {}) => ({
  strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1 } },
  symbols: ['RELIANCE'],
  timeframe: '1m',
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  fillModel: { at: 'close' },
  fees: false,
  initialCapital: '100000.00',
  ...over,
});

/**
 * Takes a key-share lock on these backtests' rows in a transaction of its own and holds it until
 * the returned release is called (which resolves when the transaction has ended). While held, a
 * run can be claimed, beat and asked to cancel (those updates leave the key alone) but cannot
 * store its results, so it stays running whatever the machine's speed.
 */
export async function holdBacktestRows(db: Db, ids: readonly string[]): Promise<() => Promise<void>> {
  let locked!: () => void;
  let release!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const released = new Promise<void>((r) => (release = r));
  const holding = db.tx(async (sql) => {
    await sql.rows(`SELECT 1 FROM backtests WHERE id = ANY($1::uuid[]) FOR KEY SHARE`, [ids]);
    locked();
    await released;
  });
  await Promise.race([isLocked, holding]);
  return async () => {
    release();
    await holding;
  };
}
