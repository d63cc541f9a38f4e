import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { APP_CONFIG, LOGGER, orderPartitionQueue, partitionOf, REDIS, WorkerHost, type AppConfig } from '@tradeloop/platform';
import { LeaderLease } from '../risk/leader-lease';
import { BrokerSessions } from '../execution/broker-sessions';
import { LeaseMetrics } from './lease-metrics';

/** How many partitions each of `workers` live workers should hold: all of them covered, none holding much more than another. */
export function fairShare(partitions: number, workers: number): number {
  return Math.ceil(partitions / Math.max(1, workers));
}

/**
 * Which partitions to try, in order: from a worker-specific start, so workers starting together
 * do not all race for partition 0.
 */
export function partitionOrder(partitions: number, start: number): number[] {
  return Array.from({ length: partitions }, (_, i) => (start + i) % partitions);
}

/**
 * The live-account order partitions (docs/architecture.md "Scale-out"): ORDER_PARTITIONS queues,
 * each consumed by exactly one worker at a time under its own lease. Every third of
 * WORKER_LEASE_TTL_MS a worker writes itself into the roster (a sorted set of heartbeats; a
 * member silent for a TTL is dropped), renews its partitions, hands over the ones above its fair
 * share (the jobs running finish first, then the lease is released) and takes free ones up to it.
 * A worker that dies leaves its leases to lapse; the survivors' next rounds take its partitions,
 * and BullMQ hands its unfinished jobs to them once their lock (ORDER_JOB_LOCK_MS) lapses.
 *
 * One worker per partition keeps an account's order jobs in one process, in queue order, with
 * its one broker session (rate limiter, update socket, early updates held for a placement in flight).
 */
@Injectable()
export class OrderPartitions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly held = new Map<number, LeaderLease>();
  private readonly handingOver = new Set<number>();
  private readonly partitions: number;
  private readonly ttlMs: number;
  private readonly rosterKey: string;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WorkerHost) private readonly host: WorkerHost,
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(LeaseMetrics) private readonly metrics: LeaseMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.partitions = config.ORDER_PARTITIONS;
    this.ttlMs = config.WORKER_LEASE_TTL_MS;
    this.rosterKey = `${config.REDIS_PREFIX}:workers:roster`;
    for (let n = 0; n < this.partitions; n += 1) metrics.set(orderPartitionQueue(n), false);
  }

  /** True while this worker consumes the account's partition (its jobs and its session belong here). */
  servesAccount(accountId: string): boolean {
    const n = partitionOf(accountId, this.partitions);
    return this.held.has(n) && !this.handingOver.has(n);
  }

  /** The partitions this worker holds now. */
  get mine(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rebalance().catch((err: unknown) => this.logger.warn({ err }, 'order partitions: first round failed; retrying'));
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.round = this.rebalance()
          .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'order partitions: round failed; retrying'))
          .finally(() => {
            this.round = null;
            this.schedule();
          });
      },
      Math.floor(this.ttlMs / 3),
    );
  }

  /** One round: heartbeat, renew, hand over above the fair share, take free partitions up to it. */
  async rebalance(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const [, , [, live]] = (await this.redis
      .multi()
      .zadd(this.rosterKey, now, this.metrics.identity)
      .zremrangebyscore(this.rosterKey, '-inf', now - this.ttlMs)
      .zcard(this.rosterKey)
      .exec()) as [unknown, unknown, [Error | null, number]];
    const share = fairShare(this.partitions, live);
    for (const [n, lease] of [...this.held]) {
      const still = await lease.hold().catch(() => null);
      if (still === false) this.lost(n);
    }
    const keep = this.held.size - this.handingOver.size;
    if (keep > share) {
      const extra = this.mine.filter((n) => !this.handingOver.has(n)).slice(share);
      for (const n of extra) void this.handOver(n);
      return;
    }
    if (keep >= share) return;
    let missing = share - keep;
    for (const n of partitionOrder(this.partitions, partitionOf(this.metrics.identity, this.partitions))) {
      if (missing === 0 || this.stopped) break;
      if (this.held.has(n)) continue;
      const lease = new LeaderLease(this.redis, this.leaseKey(n), this.ttlMs, this.metrics.identity);
      if (!(await lease.hold())) continue;
      this.held.set(n, lease);
      this.metrics.set(orderPartitionQueue(n), true);
      await this.host.startQueue(orderPartitionQueue(n));
      this.logger.info({ partition: n, share, workers: live }, 'took an order partition');
      missing -= 1;
    }
  }

  private leaseKey(n: number): string {
    return `${this.config.REDIS_PREFIX}:orders:partition:${n}:leader`;
  }

  /** Another worker holds it now (this one stalled past the TTL): stop at once; its jobs are retried there. */
  private lost(n: number): void {
    this.held.delete(n);
    this.handingOver.delete(n);
    this.metrics.set(orderPartitionQueue(n), false);
    this.logger.warn({ partition: n }, 'order partition lease lost to another worker: stopped consuming it');
    void this.host.stopQueue(orderPartitionQueue(n), true);
    void this.sessions.dropAccounts((id) => partitionOf(id, this.partitions) === n);
  }

  /** Gives a partition to the others: its running jobs finish (the lease kept renewed meanwhile), then the lease goes. */
  private async handOver(n: number): Promise<void> {
    this.handingOver.add(n);
    try {
      await this.host.stopQueue(orderPartitionQueue(n));
      await this.sessions.dropAccounts((id) => partitionOf(id, this.partitions) === n);
      await this.held.get(n)?.release();
      this.logger.info({ partition: n }, 'handed an order partition over (rebalance)');
    } catch (err) {
      this.logger.warn({ err, partition: n }, 'handing an order partition over failed; its lease lapses');
    } finally {
      this.held.delete(n);
      this.handingOver.delete(n);
      this.metrics.set(orderPartitionQueue(n), false);
    }
  }

  /** On a graceful stop: the jobs finish (WorkerHost drains every queue), then every lease and the roster entry go. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    await Promise.all(this.mine.map((n) => this.host.stopQueue(orderPartitionQueue(n))));
    await Promise.all([...this.held.values()].map((l) => l.release().catch(() => undefined)));
    this.held.clear();
    await this.redis.zrem(this.rosterKey, this.metrics.identity).catch(() => undefined);
  }
}
