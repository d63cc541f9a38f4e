import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { closeRedis, createRedis, type AppConfig } from '@tradeloop/platform';
import { marketKeys } from '@tradeloop/market';
import { LeaderLease } from '../risk/leader-lease';

/** The lease is renewed this often; a dead leader is replaced within LEASE_TTL_MS. */
const LEASE_RENEW_MS = 1_000;
const LEASE_TTL_MS = 3_000;

export interface LeasedTickEngineOptions {
  /** For logs: "exit engine", "alert exit engine". */
  readonly name: string;
  /** What it watches, for the log when it takes the lead: "legs", "alert positions". */
  readonly watching: string;
  /** The Redis key of its lease (one leader across workers). */
  readonly leaseKey: string;
  /** The pub/sub channel of its notes (what to re-read); the feed's tick channel is the other. */
  readonly notesChannel: string;
  /** The name of its subscriber connection. */
  readonly connectionName: string;
  /** Everything it watches is re-read this often: the safety net for a lost note. */
  readonly fullReloadMs: number;
}

/**
 * What the exit engines share (docs/watchlist-trading.md "Per-unit exits", docs/alerts.md "Exit
 * engine"): one worker at a time holds a Redis lease; the leader keeps an in-memory index,
 * runs every tick batch of the feed's channel through it, re-reads what a note names and
 * everything every `fullReloadMs`, and on taking the lease reloads and moves on whatever was left
 * half done (`onLead`). Reloads are serialised, so an older read never lands after a newer one.
 * Fires and writes are tracked, so shutdown waits for them before releasing the lease.
 * Subclasses supply the index and its I/O.
 */
export abstract class LeasedTickEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected leader = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly lease: LeaderLease;
  private readonly sub: Redis;
  private readonly ticksChannel: string;
  private reloading: Promise<void> = Promise.resolve();

  protected constructor(
    redis: Redis,
    config: AppConfig,
    protected readonly log: Logger,
    private readonly opts: LeasedTickEngineOptions,
  ) {
    this.lease = new LeaderLease(redis, opts.leaseKey, LEASE_TTL_MS);
    this.sub = createRedis(config.REDIS_URL, 'pubsub', opts.connectionName);
    this.ticksChannel = marketKeys(config.REDIS_PREFIX).ticks;
  }

  /** One tick batch from the feed's channel (leader only). */
  protected abstract onTicks(message: string): void;
  /** One note from the notes channel (leader only). */
  protected abstract onNote(message: string): void;
  /** Re-reads the named entries (null: all) into the index (leader only). */
  protected abstract reloadNow(ids: readonly string[] | null): Promise<void>;
  /** Just took the lease, the index loaded: move on whatever a dead leader left half done. */
  protected abstract onLead(): Promise<void>;
  /** Lost the lease: forget the index. */
  protected abstract onLoseLead(): void;
  /** Before anything starts: listeners on the execution path, extra periodic work (`every`). */
  protected abstract attach(): void;
  /** On shutdown, before the tracked work is awaited: listeners off, last writes. */
  protected abstract detach(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    this.attach();
    this.sub.on('message', (channel: string, message: string) => {
      if (!this.leader) return;
      if (channel === this.ticksChannel) this.onTicks(message);
      else if (channel === this.opts.notesChannel) this.onNote(message);
    });
    await this.sub.subscribe(this.ticksChannel, this.opts.notesChannel);
    await this.holdLease();
    this.every(LEASE_RENEW_MS, () => this.holdLease());
    this.every(this.opts.fullReloadMs, () => this.reload(null), true);
  }

  /** Runs `work` every `ms`, never two at once, not after shutdown (`leaderOnly`: only while leading). */
  protected every(ms: number, work: () => Promise<unknown>, leaderOnly = false): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy || this.stopped || (leaderOnly && !this.leader)) return;
      busy = true;
      void work()
        .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, `${this.opts.name}: periodic work failed; it runs again`))
        .finally(() => (busy = false));
    }, ms);
    this.timers.push(t);
  }

  private async holdLease(): Promise<void> {
    const held = await this.lease.hold().catch(() => false);
    if (held && !this.leader) {
      this.leader = true;
      this.log.info(`${this.opts.name}: leading (watching ${this.opts.watching})`);
      await this.reload(null);
      await this.onLead();
    } else if (!held && this.leader) {
      this.leader = false;
      this.onLoseLead();
      this.log.info(`${this.opts.name}: another worker leads`);
    }
  }

  /** Re-reads the named entries (null: all), after any reload already running. */
  reload(ids: readonly string[] | null): Promise<void> {
    const run = this.reloading.then(() => (this.leader ? this.reloadNow(ids) : undefined));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /** Work shutdown waits for (fires, writes). */
  protected track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.detach();
    await Promise.allSettled([...this.pending]);
    if (this.leader) await this.lease.release().catch(() => undefined);
    await closeRedis(this.sub);
  }
}

/**
 * Ids gathered for `ms`, then handed to `flush` together (notes arrive in bursts: one re-read for
 * all of them). `cancel` drops what is waiting (shutdown).
 */
export class DebouncedIds {
  private readonly ids = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ms: number,
    private readonly flush: (ids: string[]) => void,
  ) {}

  add(ids: readonly string[]): void {
    for (const id of ids) this.ids.add(id);
    if (this.timer || this.ids.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = [...this.ids];
      this.ids.clear();
      this.flush(batch);
    }, this.ms);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ids.clear();
  }
}
