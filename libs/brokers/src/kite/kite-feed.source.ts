import type { DepthLevel, MarketDepth, SimTick } from '@tradeloop/domain';
import {
  BrokerFeedSource,
  type BrokerFeedSourceOptions,
  type FeedInstrumentState,
  refreshFeedInstruments,
  reportFeedAuthLost,
} from '../feed/broker-feed';
import { InstrumentMap } from '../adapter/instrument.mapper';
import { KiteTickerClient, type KiteTickerBackoff, type KiteTickerTimers } from './kite-ticker.client';
import { KITE_DEPTH_LEVELS, KiteTickView, readKiteTickFrame } from './kite-ticks';

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
 * - Frames are read as they arrive, through the client's decoder hook, straight into our ticks
 *   (`readKiteTickFrame` with one reused view: no intermediate objects). A frame that cannot be read
 *   is counted and skipped whole; unknown tokens are counted. Ticks queue in a BoundedTickQueue
 *   (`maxQueuedTicks`) drained on the event loop; a frame that would overflow it is shed — counted,
 *   and not even decoded (its packet count is in its first two bytes), so the next tick's size,
 *   the rise of the day volume, still covers the shed trades.
 * - A tick is stamped with the time its frame arrived (Kite's exchange time has whole seconds
 *   and can lag); the trade's size is the rise of the day volume since the previous tick of that
 *   instrument; `close` (the previous session's close) is the previous close.
 */

export interface KiteFeedSession {
  readonly apiKey: string;
  readonly accessToken: string;
}

export interface KiteFeedSourceOptions extends BrokerFeedSourceOptions<KiteFeedSession> {
  /** Kite instrument token → our symbol, for every instrument to stream (the port for instrument masters). */
  readonly tokens: () => Promise<ReadonlyMap<number, string>>;
  readonly wsRoot?: string;
  /** Default 5,000 ms (5 of Kite's 1 s heartbeats). */
  readonly stallMs?: number;
  readonly backoff?: KiteTickerBackoff;
  readonly timers?: KiteTickerTimers;
}

/** One side of a full packet's book (bids from 0, offers from KITE_DEPTH_LEVELS), empty levels (zeros) dropped. */
const levels = (v: KiteTickView, from: number): DepthLevel[] => {
  const out: DepthLevel[] = [];
  for (let i = from; i < from + KITE_DEPTH_LEVELS; i += 1) {
    const price = v.depthPrice[i]!;
    const quantity = v.depthQuantity[i]!;
    if (price > 0 && quantity > 0) out.push({ price, quantity, orders: v.depthOrders[i]! });
  }
  return out;
};
const NO_TICKS: never[] = [];

export class KiteFeedSource extends BrokerFeedSource<KiteFeedSourceOptions> {
  readonly name = 'kite';
  private readonly view = new KiteTickView();
  private readonly byToken = new Map<number, FeedInstrumentState>();
  private client: KiteTickerClient | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  /** The token Kite refused: not tried again, whatever `session()` says, until it changes. */
  private refused: string | null = null;

  /** The ticker client of the current session (tests look at its subscriptions). */
  get ticker(): KiteTickerClient | null {
    return this.client;
  }

  protected connect(): void {
    void this.connectWhenReady();
  }

  protected disconnect(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.client?.close();
    this.client = null;
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
    refreshFeedInstruments(this.byToken, tokens);
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
      // The feed reads frames itself (into the queue); the client's `ticks` event stays silent.
      decodeTicks: (frame) => {
        this.onFrame(frame);
        return NO_TICKS;
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
    client.on('problem', () => undefined); // order frames are the adapter's, not ours
    client.on('authLost', (info) => {
      this.stats.authLost += 1;
      this.refused = session.accessToken;
      client.close();
      if (this.client === client) this.client = null;
      this.options.onEvent?.('session refused; the account needs a login', { status: info.status });
      reportFeedAuthLost(this.options, `Kite refused the ticker session (${info.status})`, () => void this.connectWhenReady());
    });
    client.subscribe(tokens, 'full');
    client.connect();
  }

  /** One binary frame (not a heartbeat): shed whole if it cannot fit, else read into our ticks and queued. */
  private onFrame(frame: Buffer): void {
    const count = frame.length >= 2 ? frame.readUInt16BE(0) : 0;
    if (count > this.queue.room) {
      this.queue.shed(count);
      return;
    }
    const at = this.now();
    const out: SimTick[] = [];
    const r = readKiteTickFrame(
      frame,
      (v) => {
        const t = this.fromView(v, at);
        if (t) out.push(t);
      },
      this.view,
    );
    if (!r.ok) {
      this.stats.framesRejected += 1;
      return;
    }
    this.stats.packetsSkipped += r.skipped;
    this.pump.push(out, at);
  }

  private fromView(v: KiteTickView, ts: number): SimTick | null {
    const s = this.byToken.get(v.instrumentToken);
    if (!s) {
      this.stats.unknownTokens += 1;
      return null;
    }
    // A zero price (no trade yet today) is not a trade.
    if (!(v.lastPrice > 0) || !Number.isSafeInteger(v.lastPrice)) return null;
    const hasQuote = v.mode !== 'ltp';
    const volume = hasQuote && !v.isIndex ? v.volume : (s.volume ?? 0);
    const quantity = s.volume === null || volume < s.volume ? (hasQuote ? v.lastQuantity : 0) : volume - s.volume;
    s.volume = volume;
    s.seq += 1;
    let depth: MarketDepth | undefined;
    if (v.mode === 'full' && !v.isIndex) {
      const bids = levels(v, 0);
      const asks = levels(v, KITE_DEPTH_LEVELS);
      if (bids.length > 0 || asks.length > 0) depth = { bids, asks };
    }
    const tick: SimTick = {
      symbol: s.symbol,
      ts,
      ltp: v.lastPrice,
      bid: depth?.bids[0]?.price ?? v.lastPrice,
      ask: depth?.asks[0]?.price ?? v.lastPrice,
      quantity: v.isIndex ? 0 : quantity,
      volume: v.isIndex ? 0 : volume,
      prevClose: hasQuote && v.close > 0 ? v.close : v.lastPrice,
      seq: s.seq,
    };
    if (depth) tick.depth = depth;
    return tick;
  }
}
