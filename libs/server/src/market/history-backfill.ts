import { CandleAggregator, MarketSimulator, sessionsBetween, type Instrument } from '@tradeloop/domain';
import type { CandleRow, CandlesRepository } from './candles.repository';

export interface BackfillOptions {
  candles: CandlesRepository;
  instruments: readonly Instrument[];
  days: number;
  /** History ends here (epoch ms): the live feed continues from the last prices. */
  now: number;
  seed: number;
  /** Seconds between simulated prints per instrument (each 1m bar gets 60 / step prints). */
  stepSeconds?: number;
  onProgress?: (sessionsDone: number, sessions: number) => void;
}

const FLUSH_ROWS = 25_000;

/**
 * Generates `days` of NSE sessions of history for the given instruments with the same simulator
 * and the same CandleAggregator as the live feed, and writes every timeframe. Equities, indices and
 * futures only: weekly option contracts did not exist for most of the window.
 */
export async function backfillHistory(opts: BackfillOptions): Promise<{ candles: number; sessions: number }> {
  const universe = opts.instruments.filter((i) => i.instrumentType === 'EQ' || i.instrumentType === 'INDEX' || i.instrumentType === 'FUT');
  if (universe.length === 0 || opts.days <= 0) return { candles: 0, sessions: 0 };
  const step = opts.stepSeconds ?? 15;
  const sessions = sessionsBetween(opts.now - opts.days * 86_400_000, opts.now);
  if (sessions.length === 0) return { candles: 0, sessions: 0 };
  const sim = new MarketSimulator({ seed: opts.seed, instruments: universe });
  let buffer: CandleRow[] = [];
  const agg = new CandleAggregator((symbol, timeframe, candle) => buffer.push({ symbol, timeframe, candle: { ...candle } }));
  // Daily candles start at 00:00 IST, the previous UTC day: the first one's month needs a partition too.
  const months = [sessions[0]!.open - 86_400_000, ...sessions.map((s) => s.open)];
  const written = await opts.candles.bulkLoad(months, async (write) => {
    // Postgres writes one chunk while the next is generated.
    let pending: Promise<void> = Promise.resolve();
    const flush = async () => {
      const rows = buffer;
      buffer = [];
      await pending;
      pending = write(rows);
    };
    for (let k = 0; k < sessions.length; k += 1) {
      const { open, close } = sessions[k]!;
      // Overnight news: the model clock jumps an hour of trading time between sessions.
      if (k > 0) sim.advance(3_600);
      for (let t = open; t < close; t += step * 1000) {
        sim.advance(step);
        for (let i = 0; i < universe.length; i += 1) {
          // Prints spread through the step, each instrument at its own offset.
          const tick = sim.tick(i, t + ((i * 7_919) % (step * 1000)));
          agg.onTick(tick.symbol, tick.ts, tick.ltp, tick.quantity);
        }
      }
      if (buffer.length >= FLUSH_ROWS) await flush();
      opts.onProgress?.(k + 1, sessions.length);
    }
    agg.flush();
    await flush();
    await pending;
  });
  return { candles: written, sessions: sessions.length };
}
