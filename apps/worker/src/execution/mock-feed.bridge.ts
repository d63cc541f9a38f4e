import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { MockBroker, type MockTick } from '@tradeloop/brokers';
import { APP_CONFIG, closeRedis, createRedis, LOGGER, type AppConfig } from '@tradeloop/platform';
import type { Instrument } from '@tradeloop/domain';
import { InstrumentsRepository, marketKeys, parseTickBatch } from '@tradeloop/market';
import { PgMockBrokerStore } from '@tradeloop/trading';

/**
 * The mock broker (paper accounts) and its market: one MockBroker over its Postgres books,
 * matching against our own live feed. Every tick batch on the feed's channel reaches its matcher.
 *
 * The mock matches one call or tick at a time, with database writes; handing it all 10,000 ticks
 * a second would queue them behind every placement (seconds of backlog). So the newest tick of a
 * symbol supersedes older ones not yet given to it — "fills at the next tick" stays true — and the
 * backlog is at most one tick per symbol.
 *
 * Exactly one worker runs it: the holder of the market lease opens it (MarketLeadership), reading
 * the books from Postgres — so a new holder carries on with the resting orders of the last one —
 * and nobody else ever matches them (two matchers would fill a resting order twice).
 */
@Injectable()
export class MockFeedBridge implements OnApplicationShutdown {
  private mock!: MockBroker;
  private opening: Promise<MockBroker> | null = null;
  private closed = false;
  private readonly sub: Redis;
  /** Tick and lot sizes by symbol, of every instrument active at the start or listed since. */
  private readonly specs = new Map<string, { tickSize: number; lotSize: number }>();
  private readonly mailbox = new Map<string, MockTick>();
  private draining = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PgMockBrokerStore) private readonly store: PgMockBrokerStore,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-worker-broker-ticks');
  }

  /** True once this process matches the paper books (it holds the market lease). */
  get isOpen(): boolean {
    return this.opening !== null && !this.closed;
  }

  /** Opens the books from Postgres and starts matching them against the feed's ticks (once). */
  open(): Promise<MockBroker> {
    this.opening ??= this.openBooks().then(() => this.mock);
    return this.opening;
  }

  /** Stops matching (a lease given up on shutdown): no tick reaches the books after this resolves. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.mailbox.clear();
    await this.sub.unsubscribe().catch(() => undefined);
  }

  private async openBooks(): Promise<void> {
    this.learn(await this.instruments.active(new Date().toISOString().slice(0, 10)));
    this.mock = await MockBroker.open(this.store, {
      seed: this.config.MARKET_FEED_SEED,
      latencyMs: 0,
      slippageBps: 0,
      instrument: (ref) => this.specs.get(ref.symbol),
      onListenerError: (err) => this.logger.error({ err }, 'broker update listener failed'),
    });
    const key = marketKeys(this.config.REDIS_PREFIX).ticks;
    this.sub.on('message', (channel: string, message: string) => {
      if (channel !== key || this.closed) return;
      const batch = parseTickBatch(message);
      if (!batch) return;
      for (const t of batch.ticks) this.mailbox.set(t[0], { symbol: t[0], ts: t[1], ltp: t[2], bid: t[3], ask: t[4] });
      if (!this.draining) void this.drain();
    });
    await this.sub.subscribe(key);
  }

  /**
   * Learns the tick and lot sizes of instruments listed since the start (the simulated listing's
   * daily roll). Never forgets one: an order on a contract delisted meanwhile still matches.
   */
  learn(instruments: readonly Instrument[]): void {
    for (const i of instruments) this.specs.set(i.symbol, { tickSize: i.tickSize, lotSize: i.lotSize });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.mailbox.size > 0 && !this.closed) {
        const batch = [...this.mailbox.values()];
        this.mailbox.clear();
        await Promise.all(
          batch.map((t) =>
            this.mock.onTick(t).catch((err: unknown) => this.logger.warn({ err, symbol: t.symbol }, 'broker could not take a tick')),
          ),
        );
      }
    } finally {
      this.draining = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.sub);
  }
}
