import {
  CandleAggregator,
  chunkStart,
  columnsFromCandles,
  isClosedChunk,
  MarketSimulator,
  sessionsBetween,
  type Candle,
  type Instrument,
  type Timeframe,
} from '@tradeloop/domain';
import type { CandleChunk } from './candle-chunks.repository';
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

const FLUSH_CHUNKS = 400;

/**
 * Generates `days` of NSE sessions of history for the given instruments with the same simulator
 * and the same CandleAggregator as the live feed, for every timeframe. Closed windows go straight
 * into chunks; the window containing `now` becomes loose rows the live feed continues. Equities,
 * indices and futures only: weekly option contracts did not exist for most of the window.
 */
export async function backfillHistory(opts: BackfillOptions): Promise<{ candles: number; sessions: number }> {
  const universe = opts.instruments.filter((i) => i.instrumentType === 'EQ' || i.instrumentType === 'INDEX' || i.instrumentType === 'FUT');
  const sessions = opts.days > 0 ? sessionsBetween(opts.now - opts.days * 86_400_000, opts.now) : [];
  if (universe.length === 0 || sessions.length === 0) return { candles: 0, sessions: 0 };
  const step = opts.stepSeconds ?? 15;
  const sim = new MarketSimulator({ seed: opts.seed, instruments: universe });
  // Per symbol and timeframe, the candles of the window being filled.
  const open = new Map<string, { symbol: string; timeframe: Timeframe; start: number; candles: Candle[] }>();
  let ready: CandleChunk[] = [];
  const loose: CandleRow[] = [];
  const settle = (w: { symbol: string; timeframe: Timeframe; start: number; candles: Candle[] }) => {
    if (isClosedChunk(w.start, w.timeframe, opts.now))
      ready.push({ symbol: w.symbol, timeframe: w.timeframe, start: w.start, columns: columnsFromCandles(w.candles) });
    else for (const candle of w.candles) loose.push({ symbol: w.symbol, timeframe: w.timeframe, candle });
  };
  const agg = new CandleAggregator((symbol, timeframe, candle) => {
    const key = `${symbol}|${timeframe}`;
    const start = chunkStart(candle.ts, timeframe);
    let w = open.get(key);
    if (w && w.start !== start) {
      settle(w);
      w = undefined;
    }
    if (!w) open.set(key, (w = { symbol, timeframe, start, candles: [] }));
    w.candles.push({ ...candle });
  });
  // Daily candles start at 00:00 IST, the previous UTC day: the first one's month needs a partition too.
  const months = [sessions[0]!.open - 86_400_000, ...sessions.map((s) => s.open)];
  const written = await opts.candles.bulkLoad(months, async (io) => {
    // Postgres writes one batch while the next is generated.
    let pending: Promise<void> = Promise.resolve();
    const flush = async () => {
      const chunks = ready;
      ready = [];
      await pending;
      pending = io.writeChunks(chunks);
    };
    for (let k = 0; k < sessions.length; k += 1) {
      const { open: from, close } = sessions[k]!;
      // Overnight news: the model clock jumps an hour of trading time between sessions.
      if (k > 0) sim.advance(3_600);
      for (let t = from; t < close; t += step * 1000) {
        sim.advance(step);
        for (let i = 0; i < universe.length; i += 1) {
          // Prints spread through the step, each instrument at its own offset.
          const tick = sim.tick(i, t + ((i * 7_919) % (step * 1000)));
          agg.onTick(tick.symbol, tick.ts, tick.ltp, tick.quantity);
        }
      }
      if (ready.length >= FLUSH_CHUNKS) await flush();
      opts.onProgress?.(k + 1, sessions.length);
    }
    agg.flush();
    for (const w of open.values()) settle(w);
    await flush();
    await pending;
    await io.writeRows(loose);
  });
  return { candles: written, sessions: sessions.length };
}
