import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram } from 'prom-client';
import { foldLegFills, type LegFill } from '@tradeloop/domain';
import { APP_CONFIG, Db, LOGGER, METRICS, REDIS, type AppConfig, type Metrics } from '@tradeloop/platform';
import { parseTickBatch } from '@tradeloop/market';
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
import { DebouncedIds, LeasedTickEngine } from '../exits/leased-tick-engine';

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
export class ExitEngine extends LeasedTickEngine {
  readonly evaluator = new ExitEvaluator();
  private readonly evalSeconds: Histogram;
  private readonly fired: Counter<'kind'>;
  private readonly listener = (change: LegOrderChange) => void this.notes.publish([change.legId]);
  private readonly noted = new DebouncedIds(RELOAD_DEBOUNCE_MS, (ids) => {
    void this.reload(ids).catch((err: unknown) => {
      this.log.warn({ err: (err as Error).message }, 'exit engine: legs not reloaded; the full reload catches up');
    });
  });
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
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) log: Logger,
  ) {
    super(redis, config, log, {
      name: 'exit engine',
      watching: 'legs',
      leaseKey: `${config.REDIS_PREFIX}:wl:exit-engine:leader`,
      notesChannel: legChangesChannel(config.REDIS_PREFIX),
      connectionName: 'tradeloop-worker-exit-engine',
      fullReloadMs: FULL_RELOAD_MS,
    });
    this.afterTrigger = config.FAULT_INJECTION === 'crash-after-risk-exit-trigger' ? () => process.kill(process.pid, 'SIGKILL') : undefined;
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

  protected attach(): void {
    // Every worker announces its leg orders' changes; the leader (any worker) reloads them.
    this.execution.legOrderListeners.add(this.listener);
    this.every(BEST_FLUSH_MS, () => this.flushBests());
    this.every(RESEND_MS, () => this.resend(), true);
  }

  protected async detach(): Promise<void> {
    this.execution.legOrderListeners.delete(this.listener);
    this.noted.cancel();
    await this.flushBests();
  }

  protected onNote(message: string): void {
    this.noted.add(parseLegChangeNote(message));
  }

  protected onLead(): Promise<void> {
    return this.resend();
  }

  protected onLoseLead(): void {
    this.evaluator.clear();
  }

  /** Exits still `triggered`: sent again with their keys. */
  private async resend(): Promise<void> {
    const pending = await this.exits.pending();
    for (const e of pending) {
      const sent = await this.track(this.fire.send(e));
      if (sent?.status === 'sent') this.log.info({ triggerId: e.trigger_id, orderIds: sent.order_ids }, 'risk exit sent (resumed)');
    }
  }

  protected onTicks(message: string): void {
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
              this.noted.add([leg.legId]); // already fired, or the leg moved on: re-read it
            else if (e.status !== 'sent') this.log.warn({ triggerId: e.trigger_id }, 'risk exit triggered, not sent yet: retried');
          },
          (err: unknown) => {
            // Not recorded (the trigger's transaction failed): watch the leg again so the next tick retries.
            this.log.error({ err: (err as Error).message, legId: leg.legId }, 'risk exit failed to fire');
            this.noted.add([leg.legId]);
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

  /** Re-reads the named legs (null: all), their fills and state, into the index. */
  protected async reloadNow(ids: readonly string[] | null): Promise<void> {
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
}
