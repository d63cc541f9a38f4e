/*
 * The feed kit (issue 15: "a feed kit — disconnects, stalls, malformed frames, token expiry,
 * resubscribe — on all three broker feeds"): one set of behaviours every broker market-data
 * source must show against its local fake, like the broker conformance kit
 * (../conformance/broker-conformance.ts). Each feed registers with a harness that drives its fake:
 * kite.feed-conformance.spec.ts, upstox.feed-conformance.spec.ts, openalgo.feed-conformance.spec.ts
 * (OpenAlgo has no daily login: "token expiry" is its API key revoked, "login" the key fixed).
 */
import type { BrokerFeedStats } from '@tradeloop/brokers';
import type { PriceTicks, SimTick } from '@tradeloop/domain';
import { afterEach, describe, expect, it } from 'vitest';

/** The source under test (structurally libs/market MarketDataSource, plus its counters). */
export interface FeedUnderTest {
  readonly name: string;
  start(sink: (ticks: readonly SimTick[]) => void): Promise<void>;
  stop(): Promise<void>;
  readonly feedStats: BrokerFeedStats;
}

/** One fake broker with one account logged in, and the feed of that account built on it. */
export interface FeedWorld {
  readonly source: FeedUnderTest;
  /** Symbols the feed was given tokens for, at least two. */
  readonly symbols: readonly string[];
  /** The fake's market moves: a tick for `symbol` at `ltp` with a book of `depth` levels a side (0: none). */
  quote(symbol: string, ltp: PriceTicks, depth: number): void;
  /** The broker keeps the socket open but sends nothing, heartbeats included / again. */
  stall(): void;
  resume(): void;
  /** The broker drops every feed connection. */
  dropConnections(): void;
  /** Frames the broker should never send: `truncated` (cut short), `trailing` (bytes after the last packet). */
  sendMalformed(kind: 'truncated' | 'trailing'): void;
  /** A well-formed tick for an instrument token the feed was not given. */
  sendUnknownToken(): void;
  /** The broker ends the session (the token expires) and closes the feed's sockets. */
  expireSession(): void;
  /** The account logs in again: a new session the feed's `session()` will find. */
  logIn(): void;
  /** Feed connections open at the broker now, and the instruments each has subscribed. */
  connections(): number;
  subscribedPerConnection(): number[];
  /** How many times the feed told the account it needs a login. */
  authLostCalls(): number;
  /** Upgrades the broker refused (an expired session): a loop would make this grow. */
  refusedUpgrades(): number;
  /**
   * The broker sends about `ticksPerSecond` ticks across the feed's instruments until stopped, each
   * timer turn's ticks written at once, in frames of at most the harness's `floodFrameTicks`.
   */
  flood(ticksPerSecond: number): { stop(): number };
  teardown(): Promise<void>;
}

export interface FeedHarness {
  readonly name: string;
  /** The most ticks one frame of the fake's flood carries. */
  readonly floodFrameTicks: number;
  /** `stallMs` and `maxQueuedTicks` as the feed should be built; the fake beats faster than `stallMs`. */
  setup(options: { stallMs: number; maxQueuedTicks?: number }): Promise<FeedWorld>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(check: () => T, what: string, ms = 5_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function describeFeedConformance(harness: FeedHarness): void {
  // Every wait below is bounded by `until` (5 s, the flood's shedding 10 s); the case's own limit is
  // above the sum so a loaded CI machine fails on a named wait, never on vitest's 5 s default.
  describe(`feed kit: ${harness.name}`, { timeout: 30_000 }, () => {
    let world: FeedWorld | null = null;
    const got: SimTick[] = [];
    const sink = (ticks: readonly SimTick[]) => void got.push(...ticks);
    const ticksOf = (symbol: string) => got.filter((t) => t.symbol === symbol);

    async function started(options: { stallMs: number; maxQueuedTicks?: number } = { stallMs: 600 }): Promise<FeedWorld> {
      got.length = 0;
      world = await harness.setup(options);
      await world.source.start(sink);
      await until(
        () => world!.connections() === 1 && world!.subscribedPerConnection()[0] === world!.symbols.length,
        'the feed to subscribe',
      );
      return world;
    }

    afterEach(async () => {
      await world?.source.stop();
      await world?.teardown();
      world = null;
    });

    it('subscribes every instrument it was given and turns the broker’s ticks into ours: price, touch, 5-level depth, per-symbol seq', async () => {
      const w = await started();
      const [a, b] = w.symbols as [string, string];
      w.quote(a, 1_234_5000, 5);
      w.quote(b, 567_8000, 5);
      w.quote(a, 1_235_0000, 5);
      await until(() => ticksOf(a).length >= 2 && ticksOf(b).length >= 1, 'ticks');
      const last = ticksOf(a).at(-1)!;
      expect(last.ltp).toBe(1_235_0000);
      expect(last.depth!.bids).toHaveLength(5);
      expect(last.depth!.asks).toHaveLength(5);
      expect(last.bid).toBe(last.depth!.bids[0]!.price);
      expect(last.ask).toBe(last.depth!.asks[0]!.price);
      expect(last.bid).toBeLessThan(last.ask);
      expect(ticksOf(a).map((t) => t.seq)).toEqual(ticksOf(a).map((_, i) => i + 1));
      expect(w.source.feedStats).toMatchObject({ state: 'streaming', framesRejected: 0, unknownTokens: 0, shed: 0 });
    });

    it('counts and skips malformed frames and unknown tokens, and keeps streaming', async () => {
      const w = await started();
      const [a] = w.symbols as [string];
      w.sendMalformed('truncated');
      w.sendMalformed('trailing');
      w.sendUnknownToken();
      w.quote(a, 1_000_0000, 5);
      await until(() => ticksOf(a).some((t) => t.ltp === 1_000_0000), 'the good tick after the bad frames');
      const stats = w.source.feedStats;
      expect(stats.framesRejected).toBe(2);
      expect(stats.unknownTokens).toBe(1);
      expect(got.every((t) => w.symbols.includes(t.symbol))).toBe(true);
      expect(stats.connects).toBe(1); // no reconnect over bad frames
    });

    it('a silent broker is a stall: it reconnects and resubscribes; heartbeats alone keep a quiet socket alive', async () => {
      const w = await started({ stallMs: 600 });
      await sleep(1_500); // no ticks, heartbeats only
      expect(w.source.feedStats.disconnects.stall).toBe(0);
      w.stall();
      await until(() => w.source.feedStats.disconnects.stall >= 1, 'a stall');
      w.resume();
      await until(
        () => w.source.feedStats.connects >= 2 && w.subscribedPerConnection().at(-1) === w.symbols.length,
        'a resubscribed socket',
      );
      const [a] = w.symbols as [string];
      w.quote(a, 2_000_0000, 5);
      await until(() => ticksOf(a).some((t) => t.ltp === 2_000_0000), 'a tick after the stall');
    });

    it('a dropped connection is reopened with every instrument subscribed again', async () => {
      const w = await started();
      w.dropConnections();
      await until(() => w.source.feedStats.connects >= 2, 'a reconnect');
      await until(() => w.connections() === 1 && w.subscribedPerConnection()[0] === w.symbols.length, 'resubscription');
      const [, b] = w.symbols as [string, string];
      w.quote(b, 3_000_0000, 5);
      await until(() => ticksOf(b).some((t) => t.ltp === 3_000_0000), 'a tick after the reconnect');
    });

    it('an expired session sends the account to log in and waits — no reconnect loop — then streams again after the login', async () => {
      const w = await started();
      w.expireSession();
      await until(() => w.source.feedStats.state === 'waiting_for_login', 'waiting for a login');
      expect(w.authLostCalls()).toBe(1);
      const refused = w.refusedUpgrades();
      await sleep(1_500);
      expect(w.refusedUpgrades()).toBe(refused); // no retry with the refused token
      expect(w.connections()).toBe(0);
      w.logIn();
      await until(() => w.connections() === 1 && w.subscribedPerConnection()[0] === w.symbols.length, 'a new session');
      const [a] = w.symbols as [string];
      w.quote(a, 4_000_0000, 5);
      await until(() => ticksOf(a).some((t) => t.ltp === 4_000_0000), 'a tick after the login');
      expect(w.authLostCalls()).toBe(1);
    });

    it('a flood faster than the pipeline sheds whole frames with a count; the queue never passes its bound', async () => {
      /*
       * Deterministic on any machine: the fake runs on this event loop and writes a whole turn's
       * burst (50,000/s every 10 ms: about 500 ticks, 10+ frames) before the feed reads; the feed
       * then reads what loopback holds (far more than four frames) in one poll phase, before its
       * drain (setImmediate) can run. A bound of four frames is therefore passed on the first burst,
       * whatever the speed of the machine, and the first frame always fits.
       */
      const bound = 4 * harness.floodFrameTicks;
      const w = await started({ stallMs: 2_000, maxQueuedTicks: bound });
      let maxQueued = 0;
      // A pipeline that takes 50 ms per batch (a badly loaded process).
      got.length = 0;
      await w.source.stop();
      const slow = (ticks: readonly SimTick[]) => {
        const end = performance.now() + 50;
        while (performance.now() < end);
        got.push(...ticks);
        maxQueued = Math.max(maxQueued, w.source.feedStats.queued);
      };
      await w.source.start(slow);
      await until(
        () => w.source.feedStats.state === 'streaming' && w.connections() === 1 && w.subscribedPerConnection()[0] === w.symbols.length,
        'the restarted feed to subscribe',
      );
      const flood = w.flood(50_000);
      let sent: number;
      try {
        await until(() => w.source.feedStats.shed > 0 && got.length > 0, 'shedding while some ticks still get through', 10_000);
      } finally {
        sent = flood.stop();
      }
      await until(() => w.source.feedStats.queued === 0, 'the queue to empty');
      const stats = w.source.feedStats;
      expect(maxQueued, JSON.stringify(stats)).toBeLessThanOrEqual(bound);
      expect(got.length + stats.shed, JSON.stringify({ sent, got: got.length, stats })).toBeLessThanOrEqual(sent);
    });
  });
}
