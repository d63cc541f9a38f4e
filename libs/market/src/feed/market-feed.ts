import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { CandleAggregator, TIMEFRAMES, type Candle, type SimTick, type Timeframe } from '@tradeloop/domain';
import type { CandleRow, CandlesRepository } from '../candles.repository';
import { marketKeys, wireDepthOf, type CandleBatch, type TickBatch, type WireCandle, type WireTick } from '../market-wire';
import type { MarketDataSource } from './market-data-source';

export interface MarketFeedOptions {
  /** A connection without an offline queue: while Redis is down, publishes fail at once (and are counted) instead of piling up stale prices. */
  redis: Redis;
  candles: CandlesRepository;
  prefix: string;
  logger: Logger;
  registry?: Registry;
  /** Live candle updates and quote-hash writes, at most this often (ms). */
  candleIntervalMs?: number;
  /** Candle writes to Postgres, at most this often (ms). */
  persistIntervalMs?: number;
  /** Books (depth hash and channels), at most this often (ms). Default 250: a depth panel needs no more. */
  depthIntervalMs?: number;
  /**
   * Candles that closed in one source batch, called synchronously right after it (the live
   * feature/signal loop and strategies listen here; they must not block).
   */
  onCandlesClosed?: (rows: readonly CandleRow[]) => void;
}

const TF_INDEX = new Map<Timeframe, number>(TIMEFRAMES.map((tf, i) => [tf, i]));

/**
 * The pipeline behind any market-data source, in the feed process: ticks → candles (the one
 * CandleAggregator), the latest quote per symbol (Redis hash), fan-out to every API process
 * (Redis pub/sub, one message per source batch), the latest 5-level book per symbol (Redis hash and
 * a per-symbol channel, every `depthIntervalMs`), and candles into Postgres in batches.
 *
 * Each stage is decoupled by time: ticks are published the moment they arrive (latency), live
 * candles and quotes every `candleIntervalMs` (nobody needs them faster than a browser paints),
 * Postgres every `persistIntervalMs` (one statement for every candle touched meanwhile).
 */
export class MarketFeed {
  readonly run = randomUUID();
  private readonly keys: ReturnType<typeof marketKeys>;
  private readonly aggregator: CandleAggregator;
  private readonly touched = new Set<string>();
  private readonly quotesDue = new Map<string, WireTick>();
  /** The latest tick with a book per symbol since the last flush (put on the wire only then: most are superseded). */
  private readonly depthDue = new Map<string, SimTick>();
  private readonly depthSeq = new Map<string, number>();
  private depthFlushedAt = 0;
  private readonly closedSinceFlush: CandleRow[] = [];
  private readonly closedInBatch: CandleRow[] = [];
  private readonly persistBuffer = new Map<string, CandleRow>();
  private tickSeq = 0;
  private readonly candleSeq = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private persisting: Promise<void> | null = null;
  private source: MarketDataSource | null = null;
  private readonly m;

  constructor(private readonly opts: MarketFeedOptions) {
    this.keys = marketKeys(opts.prefix);
    this.aggregator = new CandleAggregator((symbol, timeframe, candle) => {
      const row = { symbol, timeframe, candle: { ...candle } };
      this.closedSinceFlush.push(row);
      this.closedInBatch.push(row);
    });
    const registers = opts.registry ? [opts.registry] : [];
    this.m = {
      ticks: new Counter({ name: 'market_feed_ticks_total', help: 'Ticks received from the market-data source', registers }),
      publishFailures: new Counter({
        name: 'market_feed_publish_failures_total',
        help: 'Tick/candle batches or quote writes that Redis refused (e.g. while restarting)',
        labelNames: ['kind'] as const,
        registers,
      }),
      candlesWritten: new Counter({ name: 'market_feed_candles_written_total', help: 'Candle rows upserted into Postgres', registers }),
      persistFailures: new Counter({
        name: 'market_feed_persist_failures_total',
        help: 'Candle writes that failed (retried with the next batch)',
        registers,
      }),
      persistBacklog: new Gauge({ name: 'market_feed_persist_backlog', help: 'Candles waiting to be written', registers }),
    };
  }

  /** Resumes the candles already stored for the current buckets, then starts the source. */
  async start(source: MarketDataSource, resume: readonly CandleRow[] = []): Promise<void> {
    for (const r of resume) this.aggregator.resume(r.symbol, r.timeframe, r.candle);
    this.source = source;
    await source.start((ticks) => this.onTicks(ticks));
    this.timers.push(setInterval(() => this.flushCandlesAndQuotes(), this.opts.candleIntervalMs ?? 100));
    this.timers.push(setInterval(() => void this.persist(), this.opts.persistIntervalMs ?? 1000));
    this.opts.logger.info({ source: source.name, run: this.run }, 'market feed started');
  }

  /** Candles of the bucket starting at `ts` that no tick has closed yet (see CandleAggregator.openIn). */
  openIn(timeframe: Timeframe, ts: number): CandleRow[] {
    return this.aggregator.openIn(timeframe, ts).map(([symbol, candle]) => ({ symbol, timeframe, candle }));
  }

  /** Symbols the feed has seen. */
  get symbolCount(): number {
    return this.aggregator.symbolCount;
  }

  /** Stops the source, then publishes and writes what is pending: no candle is lost on a clean stop. */
  async stop(): Promise<void> {
    await this.source?.stop();
    this.timers.forEach(clearInterval);
    this.timers = [];
    this.flushCandlesAndQuotes(true);
    await this.persisting;
    await this.persist();
  }

  onTicks(ticks: readonly SimTick[]): void {
    const wire: WireTick[] = new Array<WireTick>(ticks.length);
    for (let i = 0; i < ticks.length; i += 1) {
      const t = ticks[i]!;
      this.aggregator.onTick(t.symbol, t.ts, t.ltp, t.quantity);
      const w: WireTick = [t.symbol, t.ts, t.ltp, t.bid, t.ask, t.volume, t.prevClose, t.seq];
      wire[i] = w;
      this.quotesDue.set(t.symbol, w);
      if (t.depth) this.depthDue.set(t.symbol, t);
      this.touched.add(t.symbol);
    }
    this.m.ticks.inc(ticks.length);
    if (this.closedInBatch.length > 0) {
      const closed = this.closedInBatch.splice(0);
      try {
        this.opts.onCandlesClosed?.(closed);
      } catch (err) {
        this.opts.logger.error({ err: (err as Error).message }, 'a closed-candle listener failed');
      }
    }
    const batch: TickBatch = { run: this.run, seq: (this.tickSeq += 1), ticks: wire };
    this.opts.redis.publish(this.keys.ticks, JSON.stringify(batch)).catch(() => this.m.publishFailures.inc({ kind: 'ticks' }));
  }

  private flushCandlesAndQuotes(final = false): void {
    const rows: CandleRow[] = this.closedSinceFlush.splice(0);
    for (const symbol of this.touched) {
      for (const timeframe of TIMEFRAMES) {
        const candle = this.aggregator.current(symbol, timeframe);
        if (candle) rows.push({ symbol, timeframe, candle });
      }
    }
    this.touched.clear();
    if (rows.length > 0) {
      const bySymbol = new Map<string, WireCandle[]>();
      for (const r of rows) {
        this.persistBuffer.set(`${r.symbol}|${r.timeframe}|${r.candle.ts}`, r);
        let list = bySymbol.get(r.symbol);
        if (!list) bySymbol.set(r.symbol, (list = []));
        list.push(toWireCandle(r));
      }
      this.m.persistBacklog.set(this.persistBuffer.size);
      for (const [symbol, candles] of bySymbol) {
        const seq = (this.candleSeq.get(symbol) ?? 0) + 1;
        this.candleSeq.set(symbol, seq);
        const batch: CandleBatch = { run: this.run, seq, candles };
        this.opts.redis
          .publish(this.keys.candles(symbol), JSON.stringify(batch))
          .catch(() => this.m.publishFailures.inc({ kind: 'candles' }));
      }
    }
    if (this.quotesDue.size > 0) {
      const args: string[] = [];
      for (const [symbol, w] of this.quotesDue) args.push(symbol, JSON.stringify(w));
      this.quotesDue.clear();
      this.opts.redis.hset(this.keys.quotes, ...args).catch(() => this.m.publishFailures.inc({ kind: 'quotes' }));
    }
    const now = Date.now();
    if (this.depthDue.size > 0 && (final || now - this.depthFlushedAt >= (this.opts.depthIntervalMs ?? 250))) {
      this.depthFlushedAt = now;
      const args: string[] = [];
      for (const [symbol, t] of this.depthDue) {
        const text = JSON.stringify(wireDepthOf(symbol, t.ts, t.depth!));
        args.push(symbol, text);
        const seq = (this.depthSeq.get(symbol) ?? 0) + 1;
        this.depthSeq.set(symbol, seq);
        // A DepthBatch ({ run, seq, depth }) with the book's JSON written once.
        this.opts.redis
          .publish(this.keys.depth(symbol), `{"run":${JSON.stringify(this.run)},"seq":${seq},"depth":${text}}`)
          .catch(() => this.m.publishFailures.inc({ kind: 'depth' }));
      }
      this.depthDue.clear();
      this.opts.redis.hset(this.keys.depthBook, ...args).catch(() => this.m.publishFailures.inc({ kind: 'depth' }));
    }
  }

  /** One write at a time; a failed write keeps its rows (newer states of a bucket replace older ones). */
  private persist(): Promise<void> {
    if (this.persisting || this.persistBuffer.size === 0) return this.persisting ?? Promise.resolve();
    const rows = [...this.persistBuffer.values()];
    this.persistBuffer.clear();
    this.persisting = this.opts.candles
      .upsertMany(rows)
      .then((n) => void this.m.candlesWritten.inc(n))
      .catch((err: unknown) => {
        this.m.persistFailures.inc();
        this.opts.logger.warn({ err: (err as Error).message, rows: rows.length }, 'candle write failed; retrying with the next batch');
        for (const r of rows) {
          const key = `${r.symbol}|${r.timeframe}|${r.candle.ts}`;
          if (!this.persistBuffer.has(key)) this.persistBuffer.set(key, r);
        }
      })
      .finally(() => {
        this.persisting = null;
        this.m.persistBacklog.set(this.persistBuffer.size);
      });
    return this.persisting;
  }
}

const toWireCandle = (r: CandleRow): WireCandle => {
  const c: Candle = r.candle;
  return [r.symbol, TF_INDEX.get(r.timeframe)!, c.ts, c.open, c.high, c.low, c.close, c.volume];
};
