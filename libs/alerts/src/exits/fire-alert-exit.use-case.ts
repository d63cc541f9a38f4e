import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  exitTierName,
  formatPrice,
  isDomainError,
  isTerminalStatus,
  mulDivRoundHalfUp,
  type ExitAlertSignal,
  type ExitSignal,
  type OrderStatus,
  type PriceTicks,
  type UserId,
} from '@tradeloop/domain';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { Db, NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { PlaceOrderUseCase } from '@tradeloop/trading';
import type { WatchedAlertPosition } from './alert-exit-evaluator';
import { AlertExitsRepository, type AlertExitRow, type PendingAlertExitRow } from './alert-exits.repository';

export const ALERT_EXIT_META: RequestMeta = { requestId: 'alert-exit' };
/** The client tag of an alert exit's orders (the execution path tells the exit engine of their changes). */
export const ALERT_EXIT_TAG = 'alert-exit';

/** The Idempotency-Key of a real exit's order: one order per position and attempt, however often it is sent. */
export const alertExitOrderKey = (positionId: string, attempt: number): string => `alert-exit:${positionId}:${attempt}`;

/** Realized P&L in paise of `quantity` units from entry to exit (ticks): (exit − entry) × qty for a long, the mirror for a short; ticks → paise half up. */
export function realizedPaise(side: 'BUY' | 'SELL', entry: number, exit: number, quantity: bigint): bigint {
  const dir = side === 'BUY' ? 1n : -1n;
  return mulDivRoundHalfUp((BigInt(exit) - BigInt(entry)) * dir, quantity, 100n);
}

/** The exit as the owner sees it (the realtime event's `exit`). */
export interface AlertExitView {
  id: string;
  positionId: string;
  triggerId: string;
  shadow: boolean;
  symbol: string;
  tier: number;
  tierName: string;
  rule: string;
  reason: string;
  flagged: boolean;
  triggerPrice: string;
  status: 'triggered' | 'sent' | 'closed';
  orderId: string | null;
  createdAt: string;
}

export const toAlertExitView = (e: AlertExitRow): AlertExitView => ({
  id: e.id,
  positionId: e.position_id,
  triggerId: e.trigger_id,
  shadow: e.shadow,
  symbol: e.symbol,
  tier: e.tier,
  tierName: exitTierName(e.tier),
  rule: e.rule,
  reason: e.reason,
  flagged: e.flagged,
  triggerPrice: formatPrice(Number(e.trigger_price)),
  status: e.status,
  orderId: e.order_id,
  createdAt: e.created_at.toISOString(),
});

/** What an exit is fired with: the position (as watched, or as read for an EXIT alert), the signal, and the price it was judged at. */
export interface AlertExitRequest {
  readonly position: Pick<WatchedAlertPosition, 'positionId' | 'userId' | 'shadow' | 'symbol' | 'side' | 'quantity' | 'entry'>;
  readonly signal: ExitSignal | ExitAlertSignal;
  readonly price: PriceTicks;
}

/** What one send of a real exit did. */
export type AlertExitSendOutcome = 'sent' | 'closed' | 'retry' | 'waiting';

/**
 * An alert position's exit (docs/alerts.md "Exit engine"), in the shape of the watchlist's
 * FireRiskExitUseCase. `fire` records the trigger once — `alert-exit:<positionId>` unique in
 * alert_exits, written under the open position's row lock — with its tier, rule, reason and flag:
 * - a SHADOW position is closed in the same transaction at the judged price with its realized
 *   P&L (paise, bigint), no order;
 * - a REAL position is then flattened by a MARKET order on its account through PlaceOrderUseCase
 *   (a reducing order: it passes an engaged kill switch), Idempotency-Key
 *   `alert-exit:<positionId>:<attempt>`, tag `alert-exit`; the position is closed at the exit
 *   fill's average price once the order fills (`settle`). An exit left `triggered` (a crash, a
 *   refusal, a failure) is sent again; a refusal (nothing placed under its key) moves to the next
 *   attempt's key, an order that ended unfilled too. A safety exit never gives up.
 * The owner hears `alert.exit` when it triggers and when it closes, and one `exit` notification.
 */
@Injectable()
export class FireAlertExitUseCase {
  private readonly inFlight = new Map<string, Promise<AlertExitSendOutcome>>();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(AlertExitsRepository) private readonly exits: AlertExitsRepository,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
  ) {}

  /**
   * Records the trigger (and for a shadow position its close). Undefined when the position already
   * exited or is no longer open. `afterTrigger` runs right after the trigger's commit (a test seam:
   * a crash there must still exit once).
   */
  async fire(f: AlertExitRequest, afterTrigger?: () => void): Promise<AlertExitRow | undefined> {
    const p = f.position;
    const { tier, rule, reason, flag } = f.signal;
    const fired = await this.db.tx(async (sql) => {
      if (!(await this.exits.lockOpen(sql, p.positionId))) return undefined;
      const row = await this.exits.insertTrigger(sql, {
        id: uuidv7(),
        positionId: p.positionId,
        userId: p.userId,
        shadow: p.shadow,
        symbol: p.symbol,
        tier,
        rule,
        reason,
        flagged: flag,
        price: f.price,
        status: p.shadow ? 'closed' : 'triggered',
      });
      if (!row) return undefined;
      if (p.shadow)
        await this.exits.closePosition(sql, p.positionId, {
          tier,
          rule,
          reason,
          price: f.price,
          realizedPaise: realizedPaise(p.side, p.entry, f.price, BigInt(p.quantity)),
        });
      await this.audit.append(
        {
          actorId: null,
          action: 'alert.exit_fired',
          subject: `alert_position:${p.positionId}`,
          details: { triggerId: row.trigger_id, shadow: p.shadow, symbol: p.symbol, tier, rule, reason, price: formatPrice(f.price) },
          meta: ALERT_EXIT_META,
        },
        sql,
      );
      return row;
    });
    if (!fired) return undefined;
    afterTrigger?.();
    const told = Promise.all([this.announce(fired), this.notify(fired, p.quantity)]);
    if (!p.shadow) {
      const [pending] = await this.exits.pending([fired.id]);
      if (pending) await this.send(pending);
    }
    await told;
    return (await this.exits.byPosition(p.positionId)) ?? fired;
  }

  /** Moves every real exit not closed yet one step (on start, on an exit order's change, and every few seconds). */
  async resendPending(ids: readonly string[] | null = null): Promise<number> {
    let closed = 0;
    for (const e of await this.exits.pending(ids)) if ((await this.send(e)) === 'closed') closed++;
    return closed;
  }

  /** One step of a real exit, one at a time per exit in this process. */
  send(e: PendingAlertExitRow): Promise<AlertExitSendOutcome> {
    const running = this.inFlight.get(e.id);
    if (running) return running;
    const p = this.step(e).finally(() => this.inFlight.delete(e.id));
    this.inFlight.set(e.id, p);
    return p;
  }

  private async step(e: PendingAlertExitRow): Promise<AlertExitSendOutcome> {
    if (e.status === 'sent' && e.order_id) return this.settle(e, e.order_id);
    if (e.position_status === 'closed') {
      // Closed by someone else (an EXIT alert) after the trigger: nothing to send.
      const closed = await this.db.tx((sql) => this.exits.markClosed(sql, e.id));
      if (closed) await this.announce(closed);
      return 'closed';
    }
    if (!e.account_id) return 'retry';
    const quantity = Number(e.quantity);
    try {
      const res = await this.place.execute(
        e.user_id as UserId,
        {
          symbol: e.symbol,
          side: e.side === 'BUY' ? 'SELL' : 'BUY',
          type: 'MARKET',
          quantity,
          product: (e.product ?? 'MIS') as 'MIS',
          validity: 'DAY',
          accountId: e.account_id,
          tag: ALERT_EXIT_TAG,
        },
        alertExitOrderKey(e.position_id, e.attempt),
        ALERT_EXIT_META,
      );
      const orderId = res.body.order.id;
      const sent = await this.exits.markSent(e.id, e.attempt, orderId);
      if (!sent) return 'waiting';
      await this.announce(sent);
      return this.settle({ ...e, ...sent }, orderId);
    } catch (err) {
      // A refusal placed nothing under this key (and is remembered for it): the next attempt uses a new key.
      // Anything else (the database, a timeout) may have placed it: the same key is tried again.
      const refused = isDomainError(err) && err.code !== 'SERVICE_UNAVAILABLE';
      await this.exits.markFailed(e.id, e.attempt, (err as Error).message, refused);
      return 'retry';
    }
  }

  /**
   * The exit order's outcome: FILLED closes the position at its average fill price (and the exit);
   * an order that ended without a fill moves the exit to its next attempt (sent again); one still
   * working waits for its change note. A partial fill that ended short stays `sent`, noted (flagged
   * for a person: the position is partly out).
   */
  private async settle(e: PendingAlertExitRow, orderId: string): Promise<AlertExitSendOutcome> {
    const o = await this.exits.exitOrder(orderId);
    if (!o || !isTerminalStatus(o.status as OrderStatus)) return 'waiting';
    if (o.status === 'FILLED' && o.filled_quantity > 0) {
      const price = Number(mulDivRoundHalfUp(BigInt(o.filled_value_tick_units), 1n, BigInt(o.filled_quantity)));
      const closed = await this.db.tx(async (sql) => {
        await this.exits.closePosition(sql, e.position_id, {
          tier: e.tier,
          rule: e.rule,
          reason: e.reason,
          price,
          realizedPaise: realizedPaise(e.side, Number(e.entry_price), price, BigInt(o.filled_quantity)),
        });
        return this.exits.markClosed(sql, e.id);
      });
      if (closed) await this.announce(closed);
      return 'closed';
    }
    if (o.filled_quantity === 0) {
      await this.exits.markFailed(
        e.id,
        e.attempt,
        `the exit order ended ${o.status}${o.reject_reason ? `: ${o.reject_reason}` : ''}`,
        true,
      );
      return 'retry';
    }
    await this.exits.note(
      e.id,
      `the exit order ended ${o.status} with ${o.filled_quantity} of ${e.quantity} filled: the position is partly out`,
    );
    return 'waiting';
  }

  /** The exit as a notification event (docs/alerts.md "Notifications", kind exit), once per trigger. */
  private notify(e: AlertExitRow, quantity: number): Promise<void> {
    return this.notifications.emit({
      userId: e.user_id,
      key: `alert-exit:${e.id}`,
      facts: {
        kind: 'exit',
        symbol: e.symbol,
        trigger: `${e.shadow ? 'shadow ' : ''}${exitTierName(e.tier)} ${e.rule}`,
        quantity,
        price: formatPrice(Number(e.trigger_price)),
        reason: e.reason,
      },
    });
  }

  private async announce(e: AlertExitRow): Promise<void> {
    await this.realtime.toUser(e.user_id, REALTIME_EVENTS.alertExit, { exit: toAlertExitView(e) }).catch(() => undefined);
  }
}
