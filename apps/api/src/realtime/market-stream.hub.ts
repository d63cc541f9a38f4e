import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Histogram } from 'prom-client';
import {
  candleRoom,
  depthRoom,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
  MAX_UPDATES_PER_SECOND,
  REALTIME_EVENTS,
  SubscriptionRequestSchema,
  textInputProblems,
  tickRoom,
  type MarketChannel,
  type SubscriptionAck,
  type SubscriptionRequest,
} from '@tradeloop/contracts';
import { TIMEFRAMES } from '@tradeloop/domain';
import { APP_CONFIG, closeRedis, createRedis, LOGGER, METRICS, type AppConfig, type Metrics } from '@tradeloop/platform';
import {
  candleEventOf,
  depthEventOf,
  InstrumentsRepository,
  marketKeys,
  parseCandleBatch,
  parseDepthBatch,
  parseTickBatch,
  QuotesStore,
  tickEventOf,
  type WireCandle,
  type WireDepth,
  type WireTick,
} from '@tradeloop/market';
import { ThrottledStream } from './stream-throttle';

const THROTTLE = { perSecond: MAX_UPDATES_PER_SECOND, burst: 3, preferFreshMs: 300 };
const SWEEP_MS = 20;
/** Hot quotes older than this are re-read from Redis (the feed may have stopped). */
const HOT_QUOTE_MAX_AGE_MS = 5_000;

type Streams = Map<string, ThrottledStream>;
/**
 * A subscribe / unsubscribe message, checked like every HTTP input (docs/adr/0013-hostile-input.md):
 * the text rule first (a NUL would reach the instrument lookup's SQL), then the schema.
 */
function parseSubscription(raw: unknown): { success: true; data: SubscriptionRequest } | { success: false; refusal: SubscriptionAck } {
  const refuse = (error: string) => ({ success: false as const, refusal: { ok: false, symbols: [], refused: [], error } });
  const textErrors = textInputProblems(raw);
  if (textErrors.length > 0) return refuse(textErrors.map((e) => `${e.field}: ${e.message}`).join('; '));
  const parsed = SubscriptionRequestSchema.safeParse(raw);
  if (!parsed.success) return refuse(parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
  return { success: true, data: parsed.data };
}

const streamsOf = (socket: Socket): Streams => ((socket.data as { streams?: Streams }).streams ??= new Map());

/** Detects lost batches: a jump in the batch number, or a new feed run. */
class GapDetector {
  generation = 0;
  private run: string | null = null;
  private seq = 0;
  observe(run: string, seq: number): void {
    if (this.run !== null && (run !== this.run || seq !== this.seq + 1)) this.generation += 1;
    this.run = run;
    this.seq = seq;
  }
}

/**
 * Market data for browsers, in each API process: a Redis subscription to the feed's tick channel
 * and to the candle and depth channels of the symbols local sockets watch, fanned out to the local sockets in each per-symbol room, through a
 * ThrottledStream per (socket, stream) so a slow client gets at most ~10 updates/s per symbol.
 * It also keeps the latest tick of every symbol in memory: the hot path of GET /market/quotes.
 */
@Injectable()
export class MarketStreamHub implements OnModuleInit, OnApplicationShutdown {
  private nsp: Namespace | null = null;
  private readonly sub: Redis;
  private readonly keys: ReturnType<typeof marketKeys>;
  private readonly latestTicks = new Map<string, { tick: WireTick; at: number }>();
  private readonly latestCandles = new Map<string, WireCandle>();
  private readonly tickGaps = new GapDetector();
  /** Per symbol with local candle subscribers: its channel's gap detector and subscriber count. */
  private readonly candleSymbols = new Map<string, { gaps: GapDetector; streams: number }>();
  /** The same for depth channels, and the latest book of each such symbol. */
  private readonly depthSymbols = new Map<string, { gaps: GapDetector; streams: number }>();
  private readonly latestDepth = new Map<string, WireDepth>();
  private readonly parked = new Set<ThrottledStream>();
  private readonly meta = new WeakMap<ThrottledStream, { channel: MarketChannel; symbol: string; gaps: GapDetector }>();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly m;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.keys = marketKeys(config.REDIS_PREFIX);
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-api-market-sub');
    const registers = [metrics.registry];
    this.m = {
      delivered: new Counter({
        name: 'market_updates_delivered_total',
        help: 'Tick and candle events sent to sockets',
        labelNames: ['channel'] as const,
        registers,
      }),
      gaps: new Counter({
        name: 'market_feed_gaps_total',
        help: 'Feed batches this process missed (Redis restart, feed restart)',
        labelNames: ['channel'] as const,
        registers,
      }),
      age: new Histogram({
        name: 'market_tick_age_seconds',
        help: 'Age of a tick when sent to a socket',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers,
      }),
    };
  }

  async onModuleInit(): Promise<void> {
    // Every quote read in this process (quotes route, order intake, positions) starts here.
    this.quotes.attachHot((symbol) => {
      const hot = this.latestTicks.get(symbol);
      return hot && Date.now() - hot.at < HOT_QUOTE_MAX_AGE_MS ? hot.tick : undefined;
    });
    // Books of symbols this process relays are in memory (depth channels are per symbol, like candles).
    this.quotes.attachHotDepth((symbol) => this.latestDepth.get(symbol));
    const candlePrefix = this.keys.candles('');
    const depthPrefix = this.keys.depth('');
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.keys.ticks) this.onTickBatch(message);
      else if (channel.startsWith(candlePrefix)) this.onCandleBatch(channel.slice(candlePrefix.length), message);
      else if (channel.startsWith(depthPrefix)) this.onDepthBatch(channel.slice(depthPrefix.length), message);
    });
    // ioredis re-subscribes by itself after a reconnect (Redis restart), candle channels
    // included; batches lost meanwhile show up as a jump in the batch numbers.
    await this.sub.subscribe(this.keys.ticks);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await closeRedis(this.sub);
  }

  attach(nsp: Namespace): void {
    this.nsp = nsp;
  }

  /** Latest quotes: from memory when fresh (see onModuleInit), otherwise from the shared Redis hash. */
  latest(symbols: readonly string[]): Promise<Map<string, WireTick>> {
    return this.quotes.get(symbols);
  }

  async subscribe(socket: Socket, raw: unknown): Promise<SubscriptionAck> {
    const parsed = parseSubscription(raw);
    if (!parsed.success) return parsed.refusal;
    const req = parsed.data;
    const wanted = [...new Set(req.symbols.map((s) => s.toUpperCase()))];
    const known = await this.instruments.existing(wanted);
    const streams = streamsOf(socket);
    const accepted: string[] = [];
    const refused: SubscriptionAck['refused'] = [];
    for (const symbol of wanted) {
      if (!known.has(symbol)) {
        refused.push({ symbol, reason: 'unknown symbol' });
        continue;
      }
      const room = this.roomOf(req, symbol);
      if (!streams.has(room)) {
        if (streams.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          refused.push({ symbol, reason: `at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection` });
          continue;
        }
        const gaps =
          req.channel === 'ticks'
            ? this.tickGaps
            : await this.retain(req.channel === 'candles' ? this.candleSymbols : this.depthSymbols, req.channel, symbol);
        const event =
          req.channel === 'ticks' ? REALTIME_EVENTS.tick : req.channel === 'candles' ? REALTIME_EVENTS.candle : REALTIME_EVENTS.depth;
        const stream = new ThrottledStream((p) => socket.emit(event, p), gaps.generation, THROTTLE);
        this.meta.set(stream, { channel: req.channel, symbol, gaps });
        streams.set(room, stream);
        await socket.join(room);
      }
      accepted.push(symbol);
    }
    // The current state right away, so a new subscriber does not wait for the next trade.
    if (req.channel === 'ticks') {
      const now = Date.now();
      for (const [symbol, tick] of await this.latest(accepted))
        this.offer(streams.get(tickRoom(symbol)), { payload: tickEventOf(tick) }, now);
    } else if (req.channel === 'depth') {
      const now = Date.now();
      for (const symbol of accepted) {
        const d = this.latestDepth.get(symbol) ?? (await this.quotes.depth(symbol));
        if (d) this.offer(streams.get(depthRoom(symbol)), { payload: depthEventOf(d) }, now);
      }
    } else {
      const tf = TIMEFRAMES.indexOf(req.timeframe!);
      for (const symbol of accepted) {
        const c = this.latestCandles.get(`${symbol}|${tf}`);
        if (c) this.offer(streams.get(candleRoom(symbol, req.timeframe!)), { key: String(c[2]), payload: candleEventOf(c) }, Date.now());
      }
    }
    return { ok: true, symbols: accepted, refused };
  }

  async unsubscribe(socket: Socket, raw: unknown): Promise<SubscriptionAck> {
    const parsed = parseSubscription(raw);
    if (!parsed.success) return parsed.refusal;
    const streams = streamsOf(socket);
    const done: string[] = [];
    const refused: SubscriptionAck['refused'] = [];
    for (const symbol of new Set(parsed.data.symbols.map((s) => s.toUpperCase()))) {
      const room = this.roomOf(parsed.data, symbol);
      const stream = streams.get(room);
      if (!stream) {
        refused.push({ symbol, reason: 'not subscribed' });
        continue;
      }
      streams.delete(room);
      this.forget(stream);
      await socket.leave(room);
      done.push(symbol);
    }
    return { ok: true, symbols: done, refused };
  }

  /** Forgets a closed socket's parked updates (its rooms are left by Socket.IO). */
  release(socket: Socket): void {
    for (const stream of streamsOf(socket).values()) this.forget(stream);
    streamsOf(socket).clear();
  }

  /** Subscribes this process to a symbol's candle or depth channel on its first local subscriber. */
  private async retain(
    symbols: Map<string, { gaps: GapDetector; streams: number }>,
    channel: 'candles' | 'depth',
    symbol: string,
  ): Promise<GapDetector> {
    let entry = symbols.get(symbol);
    if (!entry) {
      entry = { gaps: new GapDetector(), streams: 0 };
      symbols.set(symbol, entry);
      await this.sub.subscribe(channel === 'candles' ? this.keys.candles(symbol) : this.keys.depth(symbol));
    }
    entry.streams += 1;
    return entry.gaps;
  }

  private forget(stream: ThrottledStream): void {
    this.parked.delete(stream);
    const m = this.meta.get(stream);
    if (!m || m.channel === 'ticks') return;
    const symbols = m.channel === 'candles' ? this.candleSymbols : this.depthSymbols;
    const entry = symbols.get(m.symbol);
    if (!entry || --entry.streams > 0) return;
    symbols.delete(m.symbol);
    if (m.channel === 'candles') {
      for (const tf of TIMEFRAMES.keys()) this.latestCandles.delete(`${m.symbol}|${tf}`);
      this.sub.unsubscribe(this.keys.candles(m.symbol)).catch(() => undefined);
    } else {
      this.latestDepth.delete(m.symbol);
      this.sub.unsubscribe(this.keys.depth(m.symbol)).catch(() => undefined);
    }
  }

  private roomOf(req: SubscriptionRequest, symbol: string): string {
    return req.channel === 'ticks' ? tickRoom(symbol) : req.channel === 'depth' ? depthRoom(symbol) : candleRoom(symbol, req.timeframe!);
  }

  private onTickBatch(message: string): void {
    const batch = parseTickBatch(message);
    if (!batch) {
      this.logger.warn('malformed tick batch ignored');
      return;
    }
    const before = this.tickGaps.generation;
    this.tickGaps.observe(batch.run, batch.seq);
    if (this.tickGaps.generation !== before) this.m.gaps.inc({ channel: 'ticks' });
    const now = Date.now();
    const rooms = this.nsp?.adapter.rooms;
    for (const tick of batch.ticks) {
      this.latestTicks.set(tick[0], { tick, at: now });
      const ids = rooms?.get(tickRoom(tick[0]));
      if (!ids || ids.size === 0) continue;
      const update = { payload: tickEventOf(tick) };
      for (const id of ids) {
        const socket = this.nsp!.sockets.get(id);
        if (!socket) continue;
        if (this.offer(streamsOf(socket).get(tickRoom(tick[0])), update, now)) this.m.age.observe((now - tick[1]) / 1000);
      }
    }
  }

  private onCandleBatch(symbol: string, message: string): void {
    const batch = parseCandleBatch(message);
    const entry = this.candleSymbols.get(symbol);
    if (!batch || batch.candles.some((c) => c[0] !== symbol)) {
      this.logger.warn({ symbol }, 'malformed candle batch ignored');
      return;
    }
    if (!entry) return; // unsubscribed meanwhile
    const before = entry.gaps.generation;
    entry.gaps.observe(batch.run, batch.seq);
    if (entry.gaps.generation !== before) this.m.gaps.inc({ channel: 'candles' });
    const now = Date.now();
    const rooms = this.nsp?.adapter.rooms;
    for (const c of batch.candles) {
      const key = `${c[0]}|${c[1]}`;
      const prev = this.latestCandles.get(key);
      if (!prev || prev[2] <= c[2]) this.latestCandles.set(key, c);
      const room = candleRoom(c[0], TIMEFRAMES[c[1]]!);
      const ids = rooms?.get(room);
      if (!ids || ids.size === 0) continue;
      const update = { key: String(c[2]), payload: candleEventOf(c) };
      for (const id of ids) {
        const socket = this.nsp!.sockets.get(id);
        if (socket) this.offer(streamsOf(socket).get(room), update, now);
      }
    }
  }

  private onDepthBatch(symbol: string, message: string): void {
    const batch = parseDepthBatch(message);
    if (!batch || batch.depth[0] !== symbol) {
      this.logger.warn({ symbol }, 'malformed depth batch ignored');
      return;
    }
    const entry = this.depthSymbols.get(symbol);
    if (!entry) return; // unsubscribed meanwhile
    const before = entry.gaps.generation;
    entry.gaps.observe(batch.run, batch.seq);
    if (entry.gaps.generation !== before) this.m.gaps.inc({ channel: 'depth' });
    const prev = this.latestDepth.get(symbol);
    if (prev && prev[1] > batch.depth[1]) return;
    this.latestDepth.set(symbol, batch.depth);
    const room = depthRoom(symbol);
    const ids = this.nsp?.adapter.rooms.get(room);
    if (!ids || ids.size === 0) return;
    const now = Date.now();
    const update = { payload: depthEventOf(batch.depth) };
    for (const id of ids) {
      const socket = this.nsp!.sockets.get(id);
      if (socket) this.offer(streamsOf(socket).get(room), update, now);
    }
  }

  /** Returns true when the update went out now (for the latency histogram). */
  private offer(stream: ThrottledStream | undefined, update: { key?: string; payload: object }, now: number): boolean {
    if (!stream) return false;
    const m = this.meta.get(stream)!;
    const seqBefore = stream.seq;
    if (stream.offer(update, now, m.gaps.generation)) this.parked.add(stream);
    else this.parked.delete(stream);
    const sent = stream.seq !== seqBefore;
    if (sent) this.m.delivered.inc({ channel: m.channel });
    return sent && !stream.hasParked;
  }

  private sweep(): void {
    if (this.parked.size === 0) return;
    const now = Date.now();
    for (const stream of this.parked) {
      const m = this.meta.get(stream)!;
      const seqBefore = stream.seq;
      if (!stream.sweep(now, m.gaps.generation)) this.parked.delete(stream);
      if (stream.seq !== seqBefore) this.m.delivered.inc({ channel: m.channel });
    }
  }
}
