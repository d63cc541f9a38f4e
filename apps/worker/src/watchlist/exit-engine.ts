import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram } from 'prom-client';
import { foldLegFills, type LegFill } from '@tradeloop/domain';
import { APP_CONFIG, closeRedis, createRedis, Db, LOGGER, METRICS, REDIS, type AppConfig, type Metrics } from '@tradeloop/platform';
import { marketKeys, parseTickBatch } from '@tradeloop/market';
import { ExecutionService, type LegOrderChange } from '@tradeloop/trading';
import {
  ExitEvaluator,
  FireRiskExitUseCase,
  LegChangeNotes,
  legChangesChannel,
  parseLegChangeNote,
  RiskExitsRepository,
  WatchlistTradingRepository,
  type WatchedLeg,
} from '@tradeloop/watchlist-trading';
import { LeaderLease } from '../risk/leader-lease';

/** The lease is renewed this often; a dead leader is replaced within LEASE_TTL_MS. */
const LEASE_RENEW_MS = 1_000;
const LEASE_TTL_MS = 3_000;
/** Best prices that moved are written in one statement this often. */
const BEST_FLUSH_MS = 1_000;
/** Every leg re-read this often: the safety net for a lost leg-change note. */
const FULL_RELOAD_MS = 30_000;
/** Exits left `triggered` (a refusal, a failure) are sent again this often. */
const RESEND_MS = 5_000;
/** Leg-change notes are gathered this long, then their legs re-read together. */
const RELOAD_DEBOUNCE_MS = 20;

/**
 * The per-unit exit engine (docs/watchlist-trading.md, "Per-unit exits"): on one worker at a time
 * (a Redis lease), it keeps an index symbol → open legs (net and entry folded from the legs'
 * fills, the exit settings of their snapshot, the trailing state of trade_legs), runs every tick
 * batch of the feed's channel through the legs of the ticked symbols (ExitEvaluator), writes the
 * trailing state when a stop arms or moves (the best price in batches), and fires a risk exit on
 * a breach. Legs are re-read when a leg-change note names them (after any change to a leg's
 * order, from any worker) and all of them every FULL_RELOAD_MS. On taking the lease it sends
 * again every exit still `triggered` (a crash between trigger and order): same keys, one order
 * per account.
 */
@Injectable()
export class ExitEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly evaluator = new ExitEvaluator();
  private readonly lease: LeaderLease;
  private readonly sub: Redis;
  private readonly ticksChannel: string;
  private readonly legsChannel: string;
  private leader = false;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  /** Writes of trailing state and fires, chained so shutdown can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly reloadQueue = new Set<string>();
  private reloadTimer: NodeJS.Timeout | null = null;
  /** Serialises reloads (a full one and noted legs) so an older read never lands after a newer one. */
  private reloading: Promise<void> = Promise.resolve();
  private readonly evalSeconds: Histogram;
  private readonly fired: Counter<'kind'>;
  private readonly listener = (change: LegOrderChange) => void this.notes.publish([change.legId]);
  /** FAULT_INJECTION=crash-after-risk-exit-trigger (tests only): dies between the trigger's commit and its orders. */
  private readonly afterTrigger: (() => void) | undefined;

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(RiskExitsRepository) private readonly exits: RiskExitsRepository,
    @Inject(WatchlistTradingRepository) private readonly legs: WatchlistTradingRepository,
    @Inject(FireRiskExitUseCase) private readonly fire: FireRiskExitUseCase,
    @Inject(LegChangeNotes) private readonly notes: LegChangeNotes,
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.afterTrigger = config.FAULT_INJECTION === 'crash-after-risk-exit-trigger' ? () => process.kill(process.pid, 'SIGKILL') : undefined;
    this.lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:wl:exit-engine:leader`, LEASE_TTL_MS);
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-worker-exit-engine');
    this.ticksChannel = marketKeys(config.REDIS_PREFIX).ticks;
    this.legsChannel = legChangesChannel(config.REDIS_PREFIX);
    const registers = [metrics.registry];
    this.evalSeconds = new Histogram({
      name: 'risk_exit_evaluation_seconds',
      help: 'Time to run one tick batch through the legs of its symbols (the exit engine)',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    });
    this.fired = new Counter({
      name: 'risk_exits_fired_total',
      help: 'Risk exits fired, by kind (TP, SL, TSL)',
      labelNames: ['kind'],
      registers,
    });
    const evaluator = this.evaluator;
    new Gauge({
      name: 'risk_exit_watched_legs',
      help: 'Open legs the exit engine watches (0 on a worker that does not hold its lease)',
      registers,
      collect() {
        this.set(evaluator.size);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Every worker announces its leg orders' changes; the leader (any worker) reloads them.
    this.execution.legOrderListeners.add(this.listener);
    this.sub.on('message', (channel: string, message: string) => {
      if (!this.leader) return;
      if (channel === this.ticksChannel) this.onTicks(message);
      else if (channel === this.legsChannel) this.queueReload(parseLegChangeNote(message));
    });
    await this.sub.subscribe(this.ticksChannel, this.legsChannel);
    await this.holdLease();
    this.every(LEASE_RENEW_MS, () => this.holdLease());
    this.every(BEST_FLUSH_MS, () => this.flushBests());
    this.every(FULL_RELOAD_MS, () => (this.leader ? this.reload(null) : Promise.resolve()));
    this.every(RESEND_MS, () => (this.leader ? this.resend() : Promise.resolve()));
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      void work()
        .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'exit engine: periodic work failed; it runs again'))
        .finally(() => (busy = false));
    }, ms);
    this.timers.push(t);
  }

  private async holdLease(): Promise<void> {
    const held = await this.lease.hold().catch(() => false);
    if (held && !this.leader) {
      this.leader = true;
      this.log.info('exit engine: leading (watching legs)');
      await this.reload(null);
      await this.resend();
    } else if (!held && this.leader) {
      this.leader = false;
      this.evaluator.clear();
      this.log.info('exit engine: another worker leads');
    }
  }

  /** Exits still `triggered`: sent again with their keys. */
  private async resend(): Promise<void> {
    const pending = await this.exits.pending();
    for (const e of pending) {
      const sent = await this.track(this.fire.send(e));
      if (sent?.status === 'sent') this.log.info({ triggerId: e.trigger_id, orderIds: sent.order_ids }, 'risk exit sent (resumed)');
    }
  }

  private onTicks(message: string): void {
    const batch = parseTickBatch(message);
    if (!batch || this.evaluator.size === 0) return;
    const started = process.hrtime.bigint();
    const result = this.evaluator.evaluate(batch.ticks.map((t) => ({ symbol: t[0], ltp: t[2] })));
    if (result.matched > 0) this.evalSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (result.stopMoves.length > 0) this.saveTrailing(result.stopMoves);
    for (const { leg, breach } of result.breaches) {
      this.fired.inc({ kind: breach.kind });
      this.log.info({ legId: leg.legId, symbol: leg.symbol, ...breach }, 'risk exit: breach');
      void this.track(
        this.fire.fire({ legId: leg.legId, generation: leg.generation, entry: leg.plan.entry, breach }, this.afterTrigger).then(
          (e) => {
            if (!e)
              this.queueReload([leg.legId]); // already fired, or the leg moved on: re-read it
            else if (e.status !== 'sent') this.log.warn({ triggerId: e.trigger_id }, 'risk exit triggered, not sent yet: retried');
          },
          (err: unknown) => {
            // Not recorded (the trigger's transaction failed): watch the leg again so the next tick retries.
            this.log.error({ err: (err as Error).message, legId: leg.legId }, 'risk exit failed to fire');
            this.queueReload([leg.legId]);
          },
        ),
      );
    }
  }

  private saveTrailing(legs: readonly WatchedLeg[]): void {
    const states = legs.map((l) => ({ legId: l.legId, generation: l.generation, trailing: l.state.trailing }));
    void this.track(
      this.exits.saveTrailing(states).catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'trailing state not saved; marked for the next flush');
        for (const l of legs) l.bestDirty = true;
      }),
    );
  }

  private async flushBests(): Promise<void> {
    const dirty = this.evaluator.takeDirtyBests();
    if (dirty.length > 0) this.saveTrailing(dirty);
  }

  private queueReload(ids: readonly string[]): void {
    for (const id of ids) this.reloadQueue.add(id);
    if (this.reloadTimer || this.reloadQueue.size === 0) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      const batch = [...this.reloadQueue];
      this.reloadQueue.clear();
      void this.reload(batch).catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'exit engine: legs not reloaded; the full reload catches up');
      });
    }, RELOAD_DEBOUNCE_MS);
  }

  /** Re-reads the named legs (null: all), their fills and state, into the index. */
  reload(ids: readonly string[] | null): Promise<void> {
    const run = this.reloading.then(() => this.reloadNow(ids));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(ids: readonly string[] | null): Promise<void> {
    if (!this.leader) return;
    const rows = await this.exits.exitableLegs(ids);
    const fills = await this.legs.fills(
      this.db.sql,
      rows.map((r) => r.legId),
    );
    const byLeg = new Map<string, LegFill[]>();
    for (const f of fills) {
      let list = byLeg.get(f.legId);
      if (!list) byLeg.set(f.legId, (list = []));
      list.push(f);
    }
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.legId);
      const position = foldLegFills(byLeg.get(r.legId) ?? []);
      this.evaluator.upsert({ ...r, netQuantity: position.netQuantity, averageEntry: position.averageEntry });
    }
    // Legs that exited (their generation's trigger exists) or are gone.
    for (const id of ids ?? this.evaluator.legIds()) if (!seen.has(id)) this.evaluator.remove(id);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.execution.legOrderListeners.delete(this.listener);
    for (const t of this.timers) clearInterval(t);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.flushBests();
    await Promise.allSettled([...this.pending]);
    if (this.leader) await this.lease.release().catch(() => undefined);
    await closeRedis(this.sub);
  }
}
