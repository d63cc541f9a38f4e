import type WebSocket from 'ws';
import type { SimTick } from '@tradeloop/domain';

/**
 * A broker's live market-data feed, as the market pipeline sees it (libs/market MarketDataSource,
 * docs/architecture.md "Market data"): ticks in our units — the same shape the simulator emits —
 * handed over a batch at a time. Framework-free: the worker wires sessions, tokens and metrics.
 */
export type FeedTickSink = (ticks: readonly SimTick[]) => void;

/** What a feed reports about itself (the worker turns these into Prometheus metrics). */
export interface BrokerFeedStats {
  /** Ticks handed to the pipeline. */
  ticks: number;
  /** Binary frames that could not be read (truncated, trailing bytes, impossible prices): skipped whole. */
  framesRejected: number;
  /** Packets of a kind the broker does not document: skipped. */
  packetsSkipped: number;
  /** Ticks for instrument tokens we do not know: skipped. */
  unknownTokens: number;
  /** Ticks dropped because they arrived faster than the pipeline took them (the queue was full). */
  shed: number;
  /** Ticks waiting for the pipeline now. */
  queued: number;
  /** Sockets opened, and disconnects by reason. */
  connects: number;
  disconnects: Record<'close' | 'stall' | 'error' | 'auth', number>;
  /** Times the broker refused the session (the account was sent to log in again). */
  authLost: number;
  state: BrokerFeedState;
}

/** `waiting_for_login`: the account has no session (needs_login); nothing is attempted until it has one. */
export type BrokerFeedState = 'idle' | 'waiting_for_login' | 'connecting' | 'streaming' | 'stopped';

export const emptyFeedStats = (): BrokerFeedStats => ({
  ticks: 0,
  framesRejected: 0,
  packetsSkipped: 0,
  unknownTokens: 0,
  shed: 0,
  queued: 0,
  connects: 0,
  disconnects: { close: 0, stall: 0, error: 0, auth: 0 },
  authLost: 0,
  state: 'idle',
});

/** A batch as it arrived (one frame's ticks) and when. */
export interface QueuedBatch<T> {
  readonly items: T[];
  /** Arrival time (epoch ms). */
  readonly at: number;
}

/**
 * Ticks between the socket and the pipeline, bounded: a batch that does not fit is dropped whole
 * and counted (a feed that floods faster than we process sheds load; memory never grows past
 * `max` ticks). `drain` hands whole batches, oldest first, at most `chunk` ticks (but always one
 * batch) per call, so socket reads and the pipeline interleave.
 */
export class BoundedTickQueue<T> {
  private readonly batches: QueuedBatch<T>[] = [];
  private head = 0;
  private size = 0;

  constructor(
    private readonly max: number,
    private readonly onShed: (n: number) => void,
  ) {
    if (!(max > 0)) throw new RangeError('max must be positive');
  }

  get length(): number {
    return this.size;
  }

  /** Ticks that still fit. */
  get room(): number {
    return this.max - this.size;
  }

  /** Counts `n` ticks as shed without queueing them (a frame refused before it was decoded). */
  shed(n: number): void {
    if (n > 0) this.onShed(n);
  }

  /** Returns false (and counts the batch as shed) when it would overflow. */
  push(items: T[], at = 0): boolean {
    if (items.length === 0) return true;
    if (this.size + items.length > this.max) {
      this.onShed(items.length);
      return false;
    }
    this.batches.push({ items, at });
    this.size += items.length;
    return true;
  }

  drain(chunk: number): QueuedBatch<T>[] {
    const out: QueuedBatch<T>[] = [];
    let n = 0;
    while (this.head < this.batches.length && (out.length === 0 || n + this.batches[this.head]!.items.length <= chunk)) {
      const b = this.batches[this.head]!;
      this.head += 1;
      out.push(b);
      n += b.items.length;
      this.size -= b.items.length;
    }
    if (this.head > 1024 || this.head === this.batches.length) {
      this.batches.splice(0, this.head);
      this.head = 0;
    }
    return out;
  }

  clear(): void {
    this.batches.length = 0;
    this.head = 0;
    this.size = 0;
  }
}

/** Per-instrument state a feed keeps to turn the day volume into trade sizes and number its ticks. */
export interface FeedInstrumentState {
  symbol: string;
  /** The day volume at the previous tick (null: none seen since the symbol was (re)mapped). */
  volume: number | null;
  seq: number;
}

/**
 * Takes a fresh broker-id → symbol map into `known`: a new id, or one now mapped to another symbol,
 * starts over on volume (its next size is the last trade's) but keeps counting `seq`.
 */
export function refreshFeedInstruments<K>(known: Map<K, FeedInstrumentState>, next: ReadonlyMap<K, string>): void {
  for (const [id, symbol] of next) {
    const had = known.get(id);
    if (!had || had.symbol !== symbol) known.set(id, { symbol, volume: null, seq: had?.seq ?? 0 });
  }
}

export interface FeedTickPumpOptions {
  /** Ticks allowed to wait for the pipeline; beyond it frames are shed. Default 50,000. */
  readonly maxQueuedTicks?: number;
  /** Ticks handed to the pipeline per event-loop turn. Default 5,000. */
  readonly drainChunk?: number;
}

/** What every broker's feed source is given (the worker wires it to the account, the instrument masters and the log). */
export interface BrokerFeedSourceOptions<Session> extends FeedTickPumpOptions {
  /**
   * The account's current session, or null while it has none (Kite, Upstox: it needs a login;
   * OpenAlgo: it is not connected — error, disabled).
   */
  readonly session: () => Promise<Session | null>;
  /** The broker refused the session: the account needs a login (OpenAlgo: is in error). Called once per refusal. */
  readonly onAuthLost: (reason: string) => void | Promise<void>;
  /** Jitter for the reconnect backoff. Default Math.random. */
  readonly random?: () => number;
  /** While waiting for a session, look again this often. Default 5,000 ms. */
  readonly sessionPollMs?: number;
  readonly now?: () => number;
  /** Lifecycle notes for the log (connect, disconnect, session refused, waiting). */
  readonly onEvent?: (event: string, details: Record<string, unknown>) => void;
}

/**
 * The half every broker feed shares between its socket and the pipeline: the counters, the
 * BoundedTickQueue (`maxQueuedTicks`) and its drain — at most `drainChunk` ticks per event-loop
 * turn (setImmediate), so socket reads and the pipeline interleave; `stop` hands over everything
 * still queued at once.
 */
export class FeedTickPump {
  readonly stats: BrokerFeedStats = emptyFeedStats();
  readonly queue: BoundedTickQueue<SimTick>;
  private sink: FeedTickSink | null = null;
  private stopped = false;
  private draining: NodeJS.Immediate | null = null;

  constructor(private readonly options: FeedTickPumpOptions) {
    this.queue = new BoundedTickQueue<SimTick>(options.maxQueuedTicks ?? 50_000, (n) => (this.stats.shed += n));
  }

  /** A snapshot of the counters. */
  get snapshot(): BrokerFeedStats {
    return { ...this.stats, disconnects: { ...this.stats.disconnects }, queued: this.queue.length };
  }

  start(sink: FeedTickSink): void {
    this.sink = sink;
    this.stopped = false;
  }

  /** Queues one frame's ticks (shed whole, counted, when they do not fit) and schedules the drain. */
  push(ticks: SimTick[], at: number): void {
    if (ticks.length > 0 && this.queue.push(ticks, at)) this.scheduleDrain();
  }

  /** No more drains on the event loop; whatever is queued goes to the sink now. */
  stop(): void {
    this.stopped = true;
    if (this.draining) clearImmediate(this.draining);
    this.draining = null;
    this.flush(Number.POSITIVE_INFINITY);
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
      const out: SimTick[] = batches.length === 1 ? batches[0]!.items : batches.flatMap((b) => b.items);
      this.stats.ticks += out.length;
      if (out.length > 0 && sink) sink(out);
      if (chunk !== Number.POSITIVE_INFINITY) return;
    }
  }
}

/**
 * What each broker's feed source starts from: its options, a FeedTickPump (with `stats` and `queue`
 * at hand), the clock, the counters' snapshot, and start/stop; the subclass owns the socket and the
 * session (`connect` looks for one, `disconnect` drops it and every timer).
 */
export abstract class BrokerFeedSource<Options extends BrokerFeedSourceOptions<unknown>> {
  protected readonly pump: FeedTickPump;
  protected readonly stats: BrokerFeedStats;
  protected readonly queue: BoundedTickQueue<SimTick>;
  protected readonly now: () => number;
  /** Not started, or stopped: nothing is opened or retried. */
  protected stopped = true;

  constructor(protected readonly options: Options) {
    this.pump = new FeedTickPump(options);
    this.stats = this.pump.stats;
    this.queue = this.pump.queue;
    this.now = options.now ?? Date.now;
  }

  /** A snapshot of the counters. */
  get feedStats(): BrokerFeedStats {
    return this.pump.snapshot;
  }

  start(sink: FeedTickSink): Promise<void> {
    this.pump.start(sink);
    this.stopped = false;
    this.connect();
    return Promise.resolve();
  }

  /** Closes the socket, cancels every timer, and hands what is still queued to the pipeline. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stats.state = 'stopped';
    this.disconnect();
    this.pump.stop();
    return Promise.resolve();
  }

  /** Started: look for a session (and connect once there is one). */
  protected abstract connect(): void;
  /** Stopped: the socket closed and every timer cancelled. */
  protected abstract disconnect(): void;
}

/** A socket we are done with: no more events reach us (a late error is swallowed) and it is cut at once. */
export function discardSocket(ws: WebSocket | null): void {
  if (!ws) return;
  ws.removeAllListeners();
  ws.on('error', () => undefined);
  ws.terminate();
}

/**
 * The broker refused the session: tell the account (`onAuthLost`, e.g. mark it needs_login), log a
 * failure to do so, then `next` (look for a session again) whatever happened.
 */
export function reportFeedAuthLost(
  options: Pick<BrokerFeedSourceOptions<unknown>, 'onAuthLost' | 'onEvent'>,
  reason: string,
  next: () => void,
): void {
  void Promise.resolve()
    .then(() => options.onAuthLost(reason))
    .catch((err: unknown) => options.onEvent?.('could not mark the account', { err: (err as Error).message }))
    .finally(next);
}
