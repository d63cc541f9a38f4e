import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram } from 'prom-client';
import {
  ALERT_EXIT_TAG,
  AlertExitEvaluator,
  AlertExitNotes,
  alertExitNotesChannel,
  AlertExitsRepository,
  FireAlertExitUseCase,
  parseAlertExitNote,
  type AlertExitFired,
} from '@tradeloop/alerts';
import { APP_CONFIG, LOGGER, METRICS, REDIS, type AppConfig, type Metrics } from '@tradeloop/platform';
import { InstrumentsRepository, parseTickBatch, QuotesStore } from '@tradeloop/market';
import { ExecutionService } from '@tradeloop/trading';
import { DebouncedIds, LeasedTickEngine } from '../exits/leased-tick-engine';

/** Every open position re-read this often: the safety net for a lost note. */
const FULL_RELOAD_MS = 30_000;
/** Real exits not closed yet (a refusal, a failure, a lost order note) are moved on this often. */
const RESEND_MS = 3_000;
/** Notes are gathered this long, then their positions re-read together. */
const RELOAD_DEBOUNCE_MS = 20;

/**
 * The alert exit engine (docs/alerts.md "Exit engine"), in the shape of the watchlist's per-unit
 * exit engine: on one worker at a time (a Redis lease), it keeps an index symbol → open alert
 * positions (real and shadow, with their tier plans), runs every tick batch of the feed's channel
 * through the positions of the ticked symbols (AlertExitEvaluator) and fires an exit when a tier
 * does. Positions are re-read when a note names them (an alert position opened, from the
 * processing; an exit order's change, from the execution path in any worker) and all of them
 * every FULL_RELOAD_MS. On taking the lease it moves every real exit not closed yet (a crash
 * between the trigger and the order): same keys, one order per attempt.
 */
@Injectable()
export class AlertExitEngine extends LeasedTickEngine {
  readonly evaluator = new AlertExitEvaluator();
  private readonly evalSeconds: Histogram;
  private readonly fired: Counter<'tier' | 'rule' | 'shadow'>;
  private readonly notedPositions = new DebouncedIds(RELOAD_DEBOUNCE_MS, (ids) => {
    void this.reload(ids).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'alert exit engine: positions not reloaded; the full reload catches up'),
    );
  });
  private readonly notedExits = new DebouncedIds(RELOAD_DEBOUNCE_MS, (ids) => {
    void this.resend(ids).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'alert exit engine: exits not moved on; the resend catches up'),
    );
  });
  /** Any worker: an exit order changed → the leader moves that exit on. */
  private readonly orderListener = (change: { orderId: string; status: string }): void => {
    void this.exits
      .byOrders([change.orderId])
      .then((ids) => this.notes.publish({ exits: ids }))
      .catch(() => undefined);
  };

  /** FAULT_INJECTION=crash-after-alert-exit-trigger (tests only): dies between a real exit's trigger commit and its order. */
  private readonly afterTrigger: (() => void) | undefined;

  constructor(
    @Inject(AlertExitsRepository) private readonly exits: AlertExitsRepository,
    @Inject(FireAlertExitUseCase) private readonly fire: FireAlertExitUseCase,
    @Inject(AlertExitNotes) private readonly notes: AlertExitNotes,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) log: Logger,
  ) {
    super(redis, config, log, {
      name: 'alert exit engine',
      watching: 'alert positions',
      leaseKey: `${config.REDIS_PREFIX}:alerts:exit-engine:leader`,
      notesChannel: alertExitNotesChannel(config.REDIS_PREFIX),
      connectionName: 'tradeloop-worker-alert-exit-engine',
      fullReloadMs: FULL_RELOAD_MS,
    });
    this.afterTrigger =
      config.FAULT_INJECTION === 'crash-after-alert-exit-trigger' ? () => process.kill(process.pid, 'SIGKILL') : undefined;
    const registers = [metrics.registry];
    this.evalSeconds = new Histogram({
      name: 'alert_exit_evaluation_seconds',
      help: 'Time to run one tick batch through the alert positions of its symbols (the alert exit engine)',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    });
    this.fired = new Counter({
      name: 'alert_exits_fired_total',
      help: 'Alert position exits fired, by tier, rule and shadow',
      labelNames: ['tier', 'rule', 'shadow'],
      registers,
    });
    const evaluator = this.evaluator;
    new Gauge({
      name: 'alert_exit_watched_positions',
      help: 'Open alert positions the exit engine watches (0 on a worker that does not hold its lease)',
      registers,
      collect() {
        this.set(evaluator.size);
      },
    });
  }

  protected attach(): void {
    this.execution.taggedOrderListeners.set(ALERT_EXIT_TAG, this.orderListener);
    this.every(RESEND_MS, () => this.resend(null), true);
  }

  protected async detach(): Promise<void> {
    this.execution.taggedOrderListeners.delete(ALERT_EXIT_TAG);
    this.notedPositions.cancel();
    this.notedExits.cancel();
  }

  protected onNote(message: string): void {
    const note = parseAlertExitNote(message);
    this.notedPositions.add(note.positions);
    this.notedExits.add(note.exits);
  }

  protected onLead(): Promise<void> {
    return this.resend(null);
  }

  protected onLoseLead(): void {
    this.evaluator.clear();
  }

  /** Real exits not closed: sent again with their keys, or closed once their order filled. */
  private async resend(ids: readonly string[] | null): Promise<void> {
    await this.track(this.fire.resendPending(ids));
  }

  protected onTicks(message: string): void {
    if (this.evaluator.size === 0) return;
    const batch = parseTickBatch(message);
    if (!batch) return;
    const started = process.hrtime.bigint();
    const result = this.evaluator.evaluate(batch.ticks.map((t) => ({ symbol: t[0], ts: t[1], ltp: t[2] })));
    if (result.matched > 0) this.evalSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    for (const f of result.exits) this.onExit(f);
  }

  private onExit(f: AlertExitFired): void {
    const p = f.position;
    this.fired.inc({ tier: String(f.signal.tier), rule: f.signal.rule, shadow: String(p.shadow) });
    this.log.info({ positionId: p.positionId, symbol: p.symbol, shadow: p.shadow, ...f.signal, price: f.price }, 'alert exit: fired');
    void this.track(
      this.fire.fire(f, p.shadow ? undefined : this.afterTrigger).then(
        (e) => {
          if (!e) this.notedPositions.add([p.positionId]); // already exited, or no longer open: re-read it
        },
        (err: unknown) => {
          // Not recorded (the trigger's transaction failed): watch it again so the next tick retries.
          this.log.error({ err: (err as Error).message, positionId: p.positionId }, 'alert exit failed to fire');
          this.notedPositions.add([p.positionId]);
        },
      ),
    );
  }

  /** Re-reads the named positions (null: all open ones) into the index. */
  protected async reloadNow(ids: readonly string[] | null): Promise<void> {
    const rows = await this.exits.openPositions(ids);
    const seen = new Set<string>();
    for (const r of rows) {
      const instrument = await this.instruments.cachedBySymbol(r.symbol);
      if (!instrument) {
        this.log.warn({ positionId: r.id, symbol: r.symbol }, 'alert exit engine: the position’s instrument is unknown; not watched');
        continue;
      }
      seen.add(r.id);
      const awaiting =
        r.entry_order_status !== null && !['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'].includes(r.entry_order_status)
          ? (r.entry_order_created_at?.getTime() ?? null)
          : null;
      this.evaluator.upsert({
        positionId: r.id,
        userId: r.user_id,
        accountId: r.account_id,
        shadow: r.shadow,
        symbol: r.symbol,
        side: r.side,
        quantity: Number(r.quantity),
        entry: Number(r.entry_price),
        openedAt: r.opened_at.getTime(),
        instrument,
        exitConfig: r.exit_config,
        brokerRejection: r.entry_order_status === 'REJECTED' ? (r.entry_order_reject_reason ?? 'rejected') : null,
        awaitingFillSince: awaiting,
      });
    }
    for (const id of ids ?? this.evaluator.positionIds()) if (!seen.has(id)) this.evaluator.remove(id);
    // The underlyings' last prices (options' greeks) until their own ticks come.
    const symbols = this.evaluator.symbols();
    if (symbols.length > 0) for (const [symbol, q] of await this.quotes.get(symbols)) this.evaluator.seedPrice(symbol, q[2]);
  }
}
