import { Injectable } from '@nestjs/common';
import type { Candle, Timeframe } from '@tradeloop/domain';
import type { SignalDto } from '@tradeloop/contracts';
import type { CandleRow } from '@tradeloop/market';

/** Every symbol's closed bar of one bucket (timeframe + start), gathered across the universe. */
export interface ClosedBars {
  timeframe: Timeframe;
  /** Bucket start (epoch ms). */
  ts: number;
  bars: ReadonlyMap<string, Candle>;
  /** When the bucket was handed on (performance.now()), for close → signal latency. */
  closedAt: number;
}

/** The signals one model produced for one bucket, after they were stored. */
export interface SignalBatch {
  timeframe: Timeframe;
  ts: number;
  signals: readonly SignalDto[];
  /** Close prices of the bars the signals were computed on, by symbol (ticks). */
  closes: ReadonlyMap<string, number>;
}

type Listener<T> = (value: T) => void | Promise<void>;

/** How long after a bucket's first close the stragglers may still join it. */
export const BUCKET_GRACE_MS = 250;

export interface GathererOptions {
  graceMs?: number;
  /** The feed's candles of a bucket that no tick has closed yet (rarely traded symbols). */
  openIn?: (timeframe: Timeframe, ts: number) => CandleRow[];
  /** How many symbols the feed has: a bucket every one of them closed goes at once. */
  universe?: () => number;
}

/**
 * Gathers closed candles per bucket and hands each bucket on once: as soon as every symbol of
 * the feed has closed it, or BUCKET_GRACE_MS after its first close. Then the clock is past the
 * bucket's end, so the candles still open in it (symbols whose next tick has not come yet) are
 * complete: they are taken from the feed, and a rarely traded symbol gets its bar like the rest.
 * A bar closing after its bucket was handed on is dropped and counted (`late`); it is still
 * stored as a candle by the feed.
 */
export class BucketGatherer {
  private readonly open = new Map<string, { timeframe: Timeframe; ts: number; bars: Map<string, Candle>; timer: NodeJS.Timeout }>();
  private readonly done = new Map<Timeframe, number>();
  late = 0;

  constructor(
    private readonly timeframes: ReadonlySet<Timeframe>,
    private readonly emit: (bars: ClosedBars) => void,
    private readonly opts: GathererOptions = {},
  ) {}

  add(rows: readonly CandleRow[]): void {
    for (const r of rows) {
      if (!this.timeframes.has(r.timeframe)) continue;
      if ((this.done.get(r.timeframe) ?? -Infinity) >= r.candle.ts) {
        this.late += 1;
        continue;
      }
      const key = `${r.timeframe}|${r.candle.ts}`;
      let b = this.open.get(key);
      if (!b) {
        b = { timeframe: r.timeframe, ts: r.candle.ts, bars: new Map(), timer: setTimeout(() => this.flush(key), this.opts.graceMs ?? BUCKET_GRACE_MS) };
        this.open.set(key, b);
      }
      b.bars.set(r.symbol, r.candle);
      if (b.bars.size >= (this.opts.universe?.() ?? Infinity)) this.flush(key);
    }
  }

  private flush(key: string): void {
    const b = this.open.get(key);
    if (!b) return;
    clearTimeout(b.timer);
    this.open.delete(key);
    for (const r of this.opts.openIn?.(b.timeframe, b.ts) ?? []) if (!b.bars.has(r.symbol)) b.bars.set(r.symbol, r.candle);
    this.done.set(b.timeframe, Math.max(this.done.get(b.timeframe) ?? -Infinity, b.ts));
    this.emit({ timeframe: b.timeframe, ts: b.ts, bars: b.bars, closedAt: performance.now() });
  }

  stop(): void {
    for (const b of this.open.values()) clearTimeout(b.timer);
    this.open.clear();
  }
}

/**
 * In-process fan-out inside the worker: the market feed's closed buckets to the signal engine and
 * the strategy runner, and stored signals to the strategy runner. Listeners of one event run
 * concurrently; a failing listener is reported, never allowed to stop the others.
 */
@Injectable()
export class BarCloseBus {
  private readonly barListeners: Listener<ClosedBars>[] = [];
  private readonly signalListeners: Listener<SignalBatch>[] = [];
  onError: (err: unknown, what: string) => void = () => undefined;

  onBars(fn: Listener<ClosedBars>): void {
    this.barListeners.push(fn);
  }

  onSignals(fn: Listener<SignalBatch>): void {
    this.signalListeners.push(fn);
  }

  async emitBars(bars: ClosedBars): Promise<void> {
    await this.run(this.barListeners, bars, 'bars');
  }

  async emitSignals(batch: SignalBatch): Promise<void> {
    await this.run(this.signalListeners, batch, 'signals');
  }

  private async run<T>(listeners: Listener<T>[], value: T, what: string): Promise<void> {
    await Promise.all(
      listeners.map(async (fn) => {
        try {
          await fn(value);
        } catch (err) {
          this.onError(err, what);
        }
      }),
    );
  }
}
