import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { MockBroker, type BrokerAdapter, type BrokerOrder, type MockTick } from '@tradeloop/brokers';
import { APP_CONFIG, closeRedis, createRedis, LOGGER, type AppConfig } from '@tradeloop/platform';
import { InstrumentsRepository, marketKeys, parseTickBatch } from '@tradeloop/market';
import { ExecutionService, PgMockBrokerStore } from '@tradeloop/trading';

/**
 * The broker this worker trades through — the mock broker (matching against the live feed, its
 * books in Postgres) until a real adapter is configured — plus the plumbing around it: every
 * tick of the feed goes to the mock's matcher, and every order update the broker pushes is
 * applied to our order (serially per order, exactly once per fill).
 */
@Injectable()
export class BrokerHost implements OnModuleInit, OnApplicationShutdown {
  private broker!: MockBroker;
  private readonly sub: Redis;
  private unsubscribe: (() => void) | null = null;
  private readonly chains = new Map<string, Promise<unknown>>();
  /**
   * Latest tick per symbol not yet given to the broker. The mock matches one call or tick at a
   * time, with database writes; handing it all 10,000 ticks a second would queue them behind
   * every placement (seconds of backlog). The newest tick of a symbol supersedes older ones —
   * "fills at the next tick" stays true — so the backlog is at most one tick per symbol.
   */
  private readonly mailbox = new Map<string, MockTick>();
  private draining = false;
  /** Our order id per broker order id, once this process has seen the acceptance recorded. */
  private readonly owners = new LRUCache<string, string>({ max: 100_000 });
  /** Placements in flight: their correlation tag → our order id. */
  private readonly placing = new Map<string, string>();
  /** Latest update per broker id of a placement in flight, until the placement adopts it. */
  private readonly kept = new Map<string, BrokerOrder>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PgMockBrokerStore) private readonly store: PgMockBrokerStore,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-worker-broker-ticks');
  }

  get adapter(): BrokerAdapter {
    return this.broker;
  }

  async onModuleInit(): Promise<void> {
    const universe = await this.instruments.active(new Date().toISOString().slice(0, 10));
    const specs = new Map(universe.map((i) => [i.symbol, { tickSize: i.tickSize, lotSize: i.lotSize }]));
    this.broker = await MockBroker.open(this.store, {
      seed: this.config.MARKET_FEED_SEED,
      latencyMs: 0,
      slippageBps: 0,
      instrument: (ref) => specs.get(ref.symbol),
      onListenerError: (err) => this.logger.error({ err }, 'broker update listener failed'),
    });
    this.unsubscribe = this.broker.subscribe((update) => this.onUpdate(update));
    const key = marketKeys(this.config.REDIS_PREFIX).ticks;
    this.sub.on('message', (channel: string, message: string) => {
      if (channel !== key) return;
      const batch = parseTickBatch(message);
      if (!batch) return;
      for (const t of batch.ticks) this.mailbox.set(t[0], { symbol: t[0], ts: t[1], ltp: t[2], bid: t[3], ask: t[4] });
      if (!this.draining) void this.drain();
    });
    await this.sub.subscribe(key);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.mailbox.size > 0) {
        const batch = [...this.mailbox.values()];
        this.mailbox.clear();
        await Promise.all(
          batch.map((t) =>
            this.broker.onTick(t).catch((err: unknown) => this.logger.warn({ err, symbol: t.symbol }, 'broker could not take a tick')),
          ),
        );
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * A placement of our order `orderId` is about to be sent: updates carrying its tag are kept
   * (not applied) until `adopt` — they may arrive before the broker's answer, when nothing in
   * the database links the broker's id to our order yet.
   */
  expectPlacement(orderId: string): void {
    this.placing.set(this.broker.correlationTag(orderId), orderId);
  }

  /** The updates kept so far for these broker ids (the latest of each), handed to the caller. */
  takeKept(brokerOrderIds: readonly string[]): BrokerOrder[] {
    const out: BrokerOrder[] = [];
    for (const id of brokerOrderIds) {
      const u = this.kept.get(id);
      if (u) out.push(u);
      this.kept.delete(id);
    }
    return out;
  }

  /**
   * The acceptance is recorded: from now on updates for these ids are applied to `orderId`
   * directly, and any kept since `takeKept` are applied now.
   */
  adopt(orderId: string, brokerOrderIds: readonly string[]): void {
    this.placing.delete(this.broker.correlationTag(orderId));
    for (const id of brokerOrderIds) this.owners.set(id, orderId);
    for (const u of this.takeKept(brokerOrderIds)) this.onUpdate(u);
  }

  /** The placement ended without an acceptance recorded here: stop keeping its updates. */
  forgetPlacement(orderId: string): void {
    const tag = this.broker.correlationTag(orderId);
    this.placing.delete(tag);
    for (const [id, u] of this.kept) if (u.tag === tag) this.kept.delete(id);
  }

  /** Updates for one broker order are applied one after another, in arrival order. */
  private onUpdate(update: BrokerOrder): void {
    const id = update.brokerOrderId;
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => this.apply(update))
      .catch((err: unknown) => this.logger.error({ err, brokerOrderId: id }, 'could not apply a broker update; the reconciler will retry'))
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
  }

  async apply(update: BrokerOrder): Promise<void> {
    const id = update.brokerOrderId;
    let orderId = this.owners.get(id);
    if (!orderId) {
      if (update.tag !== null && this.placing.has(update.tag)) {
        this.kept.set(id, update);
        return;
      }
      orderId = await this.execution.orderForBrokerId(id);
      // Unknown: placed by an earlier process whose write is not there yet; the reconciler catches it up.
      if (!orderId) return;
      this.owners.set(id, orderId);
    }
    await this.execution.applyReport(orderId, id, update, update.updatedAt);
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.chains.values()]);
    await closeRedis(this.sub);
  }
}
