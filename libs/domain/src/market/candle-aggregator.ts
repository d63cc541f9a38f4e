import { DomainError } from '../errors';
import type { Candle } from './candle';
import { bucketStart, TIMEFRAMES, type Timeframe } from './timeframes';

/** Receives every candle the moment a later tick proves it complete. */
export type CandleClosed = (symbol: string, timeframe: Timeframe, candle: Candle) => void;

interface Series {
  /** Per timeframe, the candle being built (null before the first tick). */
  open: (Candle | null)[];
  lastTs: number;
}

/**
 * Ticks → OHLCV candles for every timeframe at once, incrementally: O(1) work per tick per
 * timeframe, no tick is stored. A candle closes when the first tick of a later bucket arrives
 * (across a gap too: no empty candles are invented for buckets without trades). A tick older
 * than the open candle of a timeframe cannot change history and is counted as late instead.
 */
export class CandleAggregator {
  private readonly series = new Map<string, Series>();
  private late = 0;

  constructor(
    private readonly onClose: CandleClosed = () => undefined,
    private readonly timeframes: readonly Timeframe[] = TIMEFRAMES,
  ) {}

  /** Ticks that arrived after their bucket had already closed. */
  get lateTicks(): number {
    return this.late;
  }

  onTick(symbol: string, ts: number, price: number, quantity: number): void {
    if (!Number.isSafeInteger(price) || price <= 0 || !Number.isSafeInteger(quantity) || quantity < 0 || !Number.isFinite(ts)) {
      throw new DomainError('VALIDATION_FAILED', `Invalid tick for ${symbol}`, { context: { ts, price, quantity } });
    }
    let s = this.series.get(symbol);
    if (!s) {
      s = { open: this.timeframes.map(() => null), lastTs: -Infinity };
      this.series.set(symbol, s);
    }
    let lateHere = false;
    for (let i = 0; i < this.timeframes.length; i += 1) {
      const tf = this.timeframes[i]!;
      const start = bucketStart(ts, tf);
      const c = s.open[i];
      if (c === null || c === undefined) {
        s.open[i] = { ts: start, open: price, high: price, low: price, close: price, volume: quantity };
      } else if (start === c.ts) {
        if (price > c.high) c.high = price;
        if (price < c.low) c.low = price;
        // An out-of-order tick inside the bucket widens the range but cannot be the close.
        if (ts >= s.lastTs) c.close = price;
        c.volume += quantity;
      } else if (start > c.ts) {
        this.onClose(symbol, tf, c);
        s.open[i] = { ts: start, open: price, high: price, low: price, close: price, volume: quantity };
      } else {
        lateHere = true;
      }
    }
    if (lateHere) this.late += 1;
    if (ts > s.lastTs) s.lastTs = ts;
  }

  /**
   * Continues a candle built before (by an earlier feed run, or from stored history): later
   * ticks in its bucket extend it instead of starting it afresh. Ignored when a newer candle of
   * that timeframe is already open.
   */
  resume(symbol: string, timeframe: Timeframe, candle: Candle): void {
    const i = this.timeframes.indexOf(timeframe);
    if (i < 0) return;
    let s = this.series.get(symbol);
    if (!s) {
      s = { open: this.timeframes.map(() => null), lastTs: -Infinity };
      this.series.set(symbol, s);
    }
    const open = s.open[i];
    if (open && open.ts >= candle.ts) return;
    s.open[i] = { ...candle };
  }

  /** The candle being built for a symbol and timeframe (a copy), if any tick has arrived. */
  current(symbol: string, timeframe: Timeframe): Candle | undefined {
    const i = this.timeframes.indexOf(timeframe);
    const c = this.series.get(symbol)?.open[i];
    return c ? { ...c } : undefined;
  }

  /**
   * Every symbol's candle still open in the bucket starting at `ts` (copies). Once the clock is
   * past the bucket's end they are complete even though no later tick has closed them yet: a
   * symbol that trades rarely must not miss its bar.
   */
  openIn(timeframe: Timeframe, ts: number): [symbol: string, candle: Candle][] {
    const i = this.timeframes.indexOf(timeframe);
    if (i < 0) return [];
    const out: [string, Candle][] = [];
    for (const [symbol, s] of this.series) {
      const c = s.open[i];
      if (c && c.ts === ts) out.push([symbol, { ...c }]);
    }
    return out;
  }

  /** Symbols that have had a tick. */
  get symbolCount(): number {
    return this.series.size;
  }

  /** Closes and emits every open candle (end of session, shutdown). */
  flush(): void {
    for (const [symbol, s] of this.series) {
      s.open.forEach((c, i) => {
        if (c) this.onClose(symbol, this.timeframes[i]!, c);
        s.open[i] = null;
      });
    }
  }
}
