import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { CreatePriceAlert, PriceAlert } from '@tradeloop/contracts';
import { DomainError, formatPrice, parsePrice, PRICE_ALERTS_MAX_ACTIVE, type PriceTicks, type WatchedPriceAlert } from '@tradeloop/domain';
import { Db, LOGGER, NotificationEvents, type NotificationEvent } from '@tradeloop/platform';
import { InstrumentsRepository } from '../instruments.repository';
import { PriceAlertNotes } from './price-alert-notes';
import { PriceAlertsRepository, toPriceAlert, type PriceAlertRow } from './price-alerts.repository';

// A user's price alerts (docs/alerts.md "Price alerts"), one use case per operation. Every
// operation is scoped to the caller: another user's alert, like a malformed id, is not found.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new DomainError('NOT_FOUND', 'No such price alert');

/**
 * A new active alert: the symbol a listed, active instrument (400 naming `symbol`), the price on
 * its tick (400 naming `price`), at most PRICE_ALERTS_MAX_ACTIVE active alerts per user (409).
 * The engine hears of it at once (a note); it fires on the symbol's next tick that reaches it.
 */
@Injectable()
export class CreatePriceAlertUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(PriceAlertsRepository) private readonly repo: PriceAlertsRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(PriceAlertNotes) private readonly notes: PriceAlertNotes,
  ) {}

  async execute(userId: string, input: CreatePriceAlert): Promise<PriceAlert> {
    const symbol = input.symbol.toUpperCase();
    const instrument = await this.instruments.cachedBySymbol(symbol);
    if (!instrument || instrument.active === false)
      throw new DomainError('VALIDATION_FAILED', `Unknown symbol ${symbol}`, {
        fieldErrors: [{ field: 'symbol', message: 'no such instrument' }],
      });
    const price = parsePrice(input.price, 'price');
    if (price % instrument.tickSize !== 0)
      throw new DomainError('VALIDATION_FAILED', 'Invalid price', {
        fieldErrors: [{ field: 'price', message: `must be a multiple of the tick size ${formatPrice(instrument.tickSize)}` }],
      });
    const row = await this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      const active = await this.repo.countActive(sql, userId);
      if (active >= PRICE_ALERTS_MAX_ACTIVE)
        throw new DomainError(
          'CONFLICT',
          `You already have ${active} active price alerts, the most allowed (${PRICE_ALERTS_MAX_ACTIVE}); delete one to add another`,
        );
      return this.repo.insert(sql, { id: uuidv7(), userId, symbol, condition: input.condition, price, note: input.note ?? null });
    });
    await this.notes.publish([row.id]);
    return toPriceAlert(row);
  }
}

/** The caller's active alerts (newest first) and those triggered in the last 7 days (the latest 50). */
@Injectable()
export class ListPriceAlertsQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(PriceAlertsRepository) private readonly repo: PriceAlertsRepository,
  ) {}

  async execute(userId: string): Promise<PriceAlert[]> {
    return (await this.repo.listForUser(this.db.sql, userId)).map(toPriceAlert);
  }
}

/** Deletes one of the caller's alerts, active or triggered; the engine stops watching it. */
@Injectable()
export class DeletePriceAlertUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(PriceAlertsRepository) private readonly repo: PriceAlertsRepository,
    @Inject(PriceAlertNotes) private readonly notes: PriceAlertNotes,
  ) {}

  async execute(userId: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw notFound();
    if (!(await this.repo.delete(this.db.sql, userId, id))) throw notFound();
    await this.notes.publish([id]);
  }
}

/** The owner's notification of a triggered alert: one per alert (its key). */
export function priceAlertEvent(r: PriceAlertRow): NotificationEvent {
  return {
    userId: r.user_id,
    key: `price_alert:${r.id}`,
    facts: {
      kind: 'price_alert',
      symbol: r.symbol,
      condition: r.condition,
      price: formatPrice(r.price_ticks),
      ltp: formatPrice(r.trigger_price_ticks!),
      note: r.note,
      alertId: r.id,
    },
  };
}

/** A triggered alert waits this long for its engine's own notification before the sweep hands it over again. */
const NOTIFY_GRACE_MS = 5_000;

/**
 * Fires an alert the engine saw reached (worker): the conditional UPDATE decides — only the
 * attempt that finds it still active and reached marks it triggered (with the price and the
 * tick's time) — and that one alone tells the owner through NotificationEvents (in-app, and each
 * of their channels that picks `price_alert`), then marks it notified. Returns the triggered
 * alert, or null when another attempt won, it was deleted, or the price no longer reaches it.
 */
@Injectable()
export class FirePriceAlertUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(PriceAlertsRepository) private readonly repo: PriceAlertsRepository,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async fire(alert: WatchedPriceAlert, ltp: PriceTicks, at: Date): Promise<PriceAlert | null> {
    const row = await this.repo.trigger(this.db.sql, alert.id, ltp, at);
    if (!row) return null;
    this.log.info({ alertId: row.id, symbol: row.symbol, condition: row.condition, price: row.price_ticks, ltp }, 'price alert: triggered');
    await this.notify([row]);
    return toPriceAlert(row);
  }

  /** Triggered alerts never handed to the notifications port (a worker died in between): handed over now (the key makes it once). */
  async notifyPending(now = new Date()): Promise<number> {
    const rows = await this.repo.unnotified(this.db.sql, new Date(now.getTime() - NOTIFY_GRACE_MS));
    await this.notify(rows);
    return rows.length;
  }

  private async notify(rows: readonly PriceAlertRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.notifications.emit(rows.map(priceAlertEvent));
    await this.repo.markNotified(
      this.db.sql,
      rows.map((r) => r.id),
    );
  }
}
