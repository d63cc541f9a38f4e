import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { PriceAlertBook, type PriceTicks, type WatchedPriceAlert } from '@tradeloop/domain';
import { APP_CONFIG, Db, LOGGER, METRICS, REDIS, type AppConfig, type Metrics } from '@tradeloop/platform';
import {
  FirePriceAlertUseCase,
  parsePriceAlertNote,
  parseTickBatch,
  priceAlertNotesChannel,
  PriceAlertsRepository,
  toWatchedPriceAlert,
} from '@tradeloop/market';
import { DebouncedIds, LeasedTickEngine } from '../exits/leased-tick-engine';

/** Every active alert re-read this often: the safety net for a lost note. */
const FULL_RELOAD_MS = 30_000;
/** Triggered alerts whose notification was never handed over (a crash in between) are swept this often. */
const NOTIFY_SWEEP_MS = 5_000;
/** Notes are gathered this long, then their alerts re-read together. */
const RELOAD_DEBOUNCE_MS = 20;

/**
 * The price alert engine (docs/alerts.md "Price alerts"), on the exit engines' host
 * (LeasedTickEngine): on one worker at a time (a Redis lease) it keeps the active alerts in a
 * PriceAlertBook by symbol, runs every tick batch of the feed's channel through it, and fires each
 * alert the LTP reached (FirePriceAlertUseCase: the conditional UPDATE decides once and for all,
 * then the owner is notified). Alerts are re-read when a note names them (created or deleted in
 * the API) and all of them every FULL_RELOAD_MS.
 */
@Injectable()
export class PriceAlertEngine extends LeasedTickEngine {
  readonly book = new PriceAlertBook();
  private readonly fired: Counter;
  private readonly noted = new DebouncedIds(RELOAD_DEBOUNCE_MS, (ids) => {
    void this.reload(ids).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message }, 'price alert engine: alerts not reloaded; the full reload catches up'),
    );
  });

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(PriceAlertsRepository) private readonly alerts: PriceAlertsRepository,
    @Inject(FirePriceAlertUseCase) private readonly fire: FirePriceAlertUseCase,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) log: Logger,
  ) {
    super(redis, config, log, {
      name: 'price alert engine',
      watching: 'price alerts',
      leaseKey: `${config.REDIS_PREFIX}:price-alerts:engine:leader`,
      notesChannel: priceAlertNotesChannel(config.REDIS_PREFIX),
      connectionName: 'tradeloop-worker-price-alert-engine',
      fullReloadMs: FULL_RELOAD_MS,
    });
    const registers = [metrics.registry];
    this.fired = new Counter({ name: 'price_alerts_fired_total', help: 'Price alerts triggered (by this worker)', registers });
    const book = this.book;
    new Gauge({
      name: 'price_alerts_watched',
      help: 'Active price alerts the engine watches (0 on a worker that does not hold its lease)',
      registers,
      collect() {
        this.set(book.size);
      },
    });
  }

  protected attach(): void {
    this.every(NOTIFY_SWEEP_MS, () => this.track(this.fire.notifyPending()), true);
  }

  protected async detach(): Promise<void> {
    this.noted.cancel();
  }

  protected onNote(message: string): void {
    this.noted.add(parsePriceAlertNote(message));
  }

  protected async onLead(): Promise<void> {
    await this.track(this.fire.notifyPending());
  }

  protected onLoseLead(): void {
    this.book.clear();
  }

  protected onTicks(message: string): void {
    if (this.book.size === 0) return;
    const batch = parseTickBatch(message);
    if (!batch) return;
    for (const [symbol, ts, ltp] of batch.ticks) {
      const reached = this.book.reached(symbol, ltp as PriceTicks);
      for (const alert of reached) this.onReached(alert, ltp as PriceTicks, ts);
    }
  }

  private onReached(alert: WatchedPriceAlert, ltp: PriceTicks, ts: number): void {
    void this.track(
      this.fire.fire(alert, ltp, new Date(ts)).then(
        (triggered) => {
          if (triggered) this.fired.inc();
          // Not triggered by this attempt (deleted, or triggered by another): re-read it to be sure.
          else this.noted.add([alert.id]);
        },
        (err: unknown) => {
          // Not recorded (the UPDATE failed): watch it again, so a later tick retries.
          this.log.error({ err: (err as Error).message, alertId: alert.id }, 'price alert failed to fire');
          this.noted.add([alert.id]);
        },
      ),
    );
  }

  /** Re-reads the named alerts (null: every active one) into the book. */
  protected async reloadNow(ids: readonly string[] | null): Promise<void> {
    const rows = await this.alerts.active(this.db.sql, ids);
    if (ids === null) this.book.clear();
    else for (const id of ids) this.book.remove(id);
    for (const r of rows) this.book.upsert(toWatchedPriceAlert(r));
  }
}
