import type { DepthLevel, MarketDepth, SimTick } from '@tradeloop/domain';
import { BoundedTickQueue, emptyFeedStats, type BrokerFeedStats, type FeedTickSink } from '../feed/broker-feed';
import { InstrumentMap } from '../adapter/instrument.mapper';
import { KiteTickerClient, type KiteTickerBackoff, type KiteTickerTimers } from './kite-ticker.client';
import { decodeKiteTickFrame, type KiteDepthLevel, type KiteTick } from './kite-ticks';

/**
 * Kite's ticker as a market-data source (docs/brokers.md 5; docs/architecture.md "Market data"):
 * one account's session, every instrument we know a Kite token for in `full` mode (5-level depth),
 * ticks in our units into the same pipeline as the simulator's.
 *
 * - The socket is our KiteTickerClient: reconnect with capped backoff and jitter, resubscribe,
 *   a stall watchdog of `stallMs` (Kite beats once a second, so 5 s of silence is 5 missed beats).
 * - A refused session (403 at the upgrade, the token expired) is not retried: `onAuthLost` is told
 *   (the worker marks the account needs_login) and the feed waits, asking `session()` every
 *   `sessionPollMs`, until the account has a session with another token — no reconnect loop.
 * - Frames that cannot be read are counted and skipped (the frame whole); unknown tokens counted;
 *   ticks queue in a BoundedTickQueue (`maxQueuedTicks`) drained on the event loop, a flood beyond
 *   it is shed and counted.
 * - A tick is stamped with the time its frame arrived (Kite's exchange time has whole seconds
 *   and can lag); the trade's size is the rise of the day volume since the previous tick of that
 *   instrument; `close` (the previous session's close) is the previous close.
 */

export interface KiteFeedSession {
  readonly apiKey: string;
  readonly accessToken: string;
}

export interface KiteFeedSourceOptions {
  /** The account's current session, or null while it has none (needs a login). */
  readonly session: () => Promise<KiteFeedSession | null>;
  /** Kite refused the session: the account needs a login. Called once per refused token. */
  readonly onAuthLost: (reason: string) => void | Promise<void>;
  /** Kite instrument token → our symbol, for every instrument to stream (the port for instrument masters). */
  readonly tokens: () => Promise<ReadonlyMap<number, string>>;
  readonly wsRoot?: string;
  /** Default 5,000 ms (5 of Kite's 1 s heartbeats). */
  readonly stallMs?: number;
  readonly backoff?: KiteTickerBackoff;
  readonly random?: () => number;
  readonly timers?: KiteTickerTimers;
  /** While waiting for a login, look again this often. Default 5,000 ms. */
  readonly sessionPollMs?: number;
  /** Ticks allowed to wait for the pipeline; beyond it frames are shed. Default 50,000. */
  readonly maxQueuedTicks?: number;
  /** Ticks handed to the pipeline per event-loop turn. Default 5,000. */
  readonly drainChunk?: number;
  readonly now?: () => number;
  /** Lifecycle notes for the log (connect, disconnect, auth lost, waiting). */
  readonly onEvent?: (event: string, details: Record<string, unknown>) => void;
}

interface TokenState {
  symbol: string;
  volume: number | null;
  seq: number;
}

const levels = (side: readonly KiteDepthLevel[]): DepthLevel[] => {
  const out: DepthLevel[] = [];
  for (const l of side) if (l.price > 0 && l.quantity > 0) out.push({ price: l.price, quantity: l.quantity, orders: l.orders });
  return out;
};

export class KiteFeedSource {
  readonly name = 'kite';
  private readonly stats: BrokerFeedStats = emptyFeedStats();
  private readonly queue: BoundedTickQueue<KiteTick>;
  private readonly now: () => number;
  private readonly byToken = new Map<number, TokenState>();
  private client: KiteTickerClient | null = null;
  private sink: FeedTickSink | null = null;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private draining: NodeJS.Immediate | null = null;
  /** The token Kite refused: not tried again, whatever `session()` says, until it changes. */
  private refused: string | null = null;

  constructor(private readonly options: KiteFeedSourceOptions) {
    this.queue = new BoundedTickQueue<KiteTick>(options.maxQueuedTicks ?? 50_000, (n) => (this.stats.shed += n));
    this.now = options.now ?? Date.now;
  }

  /** A snapshot of the counters. */
  get feedStats(): BrokerFeedStats {
    return { ...this.stats, disconnects: { ...this.stats.disconnects }, queued: this.queue.length };
  }

  /** The ticker client of the current session (tests look at its subscriptions). */
  get ticker(): KiteTickerClient | null {
    return this.client;
  }

  start(sink: FeedTickSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    void this.connectWhenReady();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.stats.state = 'stopped';
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.draining) clearImmediate(this.draining);
    this.draining = null;
    this.client?.close();
    this.client = null;
    this.flush(Number.POSITIVE_INFINITY);
    return Promise.resolve();
  }

  private async connectWhenReady(): Promise<void> {
    if (this.stopped || this.client) return;
    let session: KiteFeedSession | null = null;
    let tokens: ReadonlyMap<number, string> = new Map();
    try {
      session = await this.options.session();
      if (session && session.accessToken !== this.refused) tokens = await this.options.tokens();
    } catch (err) {
      this.options.onEvent?.('session lookup failed', { err: (err as Error).message });
      session = null;
    }
    if (this.stopped) return;
    if (!session || session.accessToken === this.refused) {
      if (this.stats.state !== 'waiting_for_login') this.options.onEvent?.('waiting for a login', {});
      this.stats.state = 'waiting_for_login';
      this.pollTimer = setTimeout(() => void this.connectWhenReady(), this.options.sessionPollMs ?? 5_000);
      return;
    }
    this.refused = null;
    for (const [token, symbol] of tokens) {
      const known = this.byToken.get(token);
      if (!known || known.symbol !== symbol) this.byToken.set(token, { symbol, volume: null, seq: known?.seq ?? 0 });
    }
    this.open(session, [...tokens.keys()]);
  }

  private open(session: KiteFeedSession, tokens: number[]): void {
    const client = new KiteTickerClient({
      apiKey: session.apiKey,
      accessToken: session.accessToken,
      ...(this.options.wsRoot ? { wsRoot: this.options.wsRoot } : {}),
      // Order frames are the adapter's business, not the feed's: none is mapped here.
      instruments: new InstrumentMap('kite', []),
      stallMs: this.options.stallMs ?? 5_000,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(this.options.timers ? { timers: this.options.timers } : {}),
      decodeTicks: (frame) => {
        const r = decodeKiteTickFrame(frame);
        if (!r.ok) {
          this.stats.framesRejected += 1;
          throw new Error(`ticker frame ${r.error.code} at byte ${r.error.offset}: ${r.error.message}`);
        }
        this.stats.packetsSkipped += r.skipped;
        return r.ticks;
      },
    });
    this.client = client;
    this.stats.state = 'connecting';
    client.on('connect', (info) => {
      this.stats.connects += 1;
      this.stats.state = 'streaming';
      this.options.onEvent?.('connected', { reconnect: info.reconnect, instruments: tokens.length });
    });
    client.on('disconnect', (info) => {
      this.stats.disconnects[info.reason] += 1;
      if (this.stats.state === 'streaming') this.stats.state = 'connecting';
      this.options.onEvent?.('disconnected', { reason: info.reason, code: info.code, detail: info.detail });
    });
    client.on('problem', () => undefined); // counted in decodeTicks; order frames are not ours
    client.on('ticks', (ticks) => {
      if (this.queue.push(ticks as KiteTick[], this.now())) this.scheduleDrain();
    });
    client.on('authLost', (info) => {
      this.stats.authLost += 1;
      this.refused = session.accessToken;
      client.close();
      if (this.client === client) this.client = null;
      this.options.onEvent?.('session refused; the account needs a login', { status: info.status });
      void Promise.resolve()
        .then(() => this.options.onAuthLost(`Kite refused the ticker session (${info.status})`))
        .catch((err: unknown) => this.options.onEvent?.('could not mark the account', { err: (err as Error).message }))
        .finally(() => void this.connectWhenReady());
    });
    client.subscribe(tokens, 'full');
    client.connect();
  }

  private scheduleDrain(): void {
    if (this.draining || this.stopped) return;
    this.draining = setImmediate(() => {
      this.draining = null;
      this.flush(this.options.drainChunk ?? 5_000);
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }

  private flush(chunk: number): void {
    const sink = this.sink;
    for (;;) {
      const batches = this.queue.drain(chunk);
      if (batches.length === 0) return;
      const out: SimTick[] = [];
      for (const b of batches)
        for (const k of b.items) {
          const t = this.toSimTick(k, b.at);
          if (t) out.push(t);
        }
      this.stats.ticks += out.length;
      if (out.length > 0 && sink) sink(out);
      if (chunk !== Number.POSITIVE_INFINITY) return;
    }
  }

  private toSimTick(k: KiteTick, ts: number): SimTick | null {
    const s = this.byToken.get(k.instrumentToken);
    if (!s) {
      this.stats.unknownTokens += 1;
      return null;
    }
    // A zero price (no trade yet today) is not a trade.
    if (!(k.lastPrice > 0) || !Number.isSafeInteger(k.lastPrice)) return null;
    const q = k.quote;
    const volume = q && !k.isIndex ? q.volume : (s.volume ?? 0);
    const quantity = s.volume === null || volume < s.volume ? (q?.lastQuantity ?? 0) : volume - s.volume;
    s.volume = volume;
    s.seq += 1;
    let depth: MarketDepth | undefined;
    if (k.full && !k.isIndex) {
      const bids = levels(k.full.bids);
      const asks = levels(k.full.offers);
      if (bids.length > 0 || asks.length > 0) depth = { bids, asks };
    }
    const bid = depth?.bids[0]?.price ?? k.lastPrice;
    const ask = depth?.asks[0]?.price ?? k.lastPrice;
    const tick: SimTick = {
      symbol: s.symbol,
      ts,
      ltp: k.lastPrice,
      bid,
      ask,
      quantity: k.isIndex ? 0 : quantity,
      volume: k.isIndex ? 0 : volume,
      prevClose: q && q.close > 0 ? q.close : k.lastPrice,
      seq: s.seq,
    };
    if (depth) tick.depth = depth;
    return tick;
  }
}
