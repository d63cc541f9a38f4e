import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  applyDeliveryEvent,
  decideEngineA,
  EXIT_ALERT_RULE,
  EXIT_ALERT_TIER,
  decideEngineB,
  isDomainError,
  isTerminalStatus,
  routeEngine,
  type AlertEngine,
  type AlertPayload,
  type EngineAlert,
  type OrderSide,
  type PriceTicks,
} from '@tradeloop/domain';
import { Db, LOGGER, NotificationEvents } from '@tradeloop/platform';
import { PlaceOrderUseCase, TradingRepository } from '@tradeloop/trading';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { AlertExitNotes } from './exits/alert-exit-notes';
import { FireAlertExitUseCase } from './exits/fire-alert-exit.use-case';
import { AlertPositionsRepository } from './alert-positions.repository';
import { EngineConfigsRepository } from './engine-configs.repository';
import { MarketContextLoader } from './market-context.loader';
import { WebhookDeliveriesRepository, type DeliveryRow } from './webhook-deliveries.repository';
import { WebhookSourcesRepository, type WebhookSourceRow } from './webhook-sources.repository';

export type ProcessOutcome = { outcome: 'done'; status: string } | { outcome: 'missing' };

/** Alert orders carry this tag, so the execution path tells the worker about their changes (ExecutionService.taggedOrderListeners). */
export const ALERT_ORDER_TAG = 'alert';

const json = (v: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))) as Record<string, unknown>;

/**
 * The worker's `alerts.process` (docs/alerts.md "Processing"), retried safely: every step is a
 * status-guarded claim on the delivery (one UPDATE `WHERE status = <from>`), so a redelivered job
 * (a crash, a retry, a second worker) resumes at the step the delivery rests at and never decides
 * or orders twice: `deduplicated → routed → decided` (both engines on one MarketContext, the
 * shadow position opened in the same transaction) `→ ordered` (one order per account, Idempotency-Key
 * `alert:<deliveryId>:<accountId>`, so a replayed placement answers the same order) `→ filled |
 * rejected` (SettleAlertOrdersUseCase, also told by the execution path).
 */
@Injectable()
export class ProcessDeliveryUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(WebhookSourcesRepository) private readonly sources: WebhookSourcesRepository,
    @Inject(EngineConfigsRepository) private readonly configs: EngineConfigsRepository,
    @Inject(AlertPositionsRepository) private readonly positions: AlertPositionsRepository,
    @Inject(MarketContextLoader) private readonly context: MarketContextLoader,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
    @Inject(AlertExitNotes) private readonly exitNotes: AlertExitNotes,
    @Inject(FireAlertExitUseCase) private readonly exits: FireAlertExitUseCase,
  ) {}

  /** A delivery that ended rejected: its owner hears of it once (keyed by the delivery). */
  private async failed(d: { id: string; sourceId: string }, reason: string): Promise<void> {
    const source = await this.sources.byId(d.sourceId);
    if (!source) return;
    await this.notifications.emit({
      userId: source.ownerUserId,
      key: `webhook_failure:${d.id}`,
      facts: { kind: 'webhook_failure', source: source.name, reason, deliveryId: d.id },
    });
  }

  async execute(deliveryId: string): Promise<ProcessOutcome> {
    let d = await this.deliveries.byId(deliveryId);
    if (!d) return { outcome: 'missing' };
    const source = await this.sources.byId(d.sourceId);
    if (!source) return { outcome: 'missing' };
    // Each step moves the delivery on; a step that finds it moved re-reads and goes on from there.
    for (let guard = 0; guard < 6; guard += 1) {
      const next = await this.step(d, source);
      if (next === 'stop') break;
      d = next;
    }
    return { outcome: 'done', status: d.status };
  }

  private async step(d: DeliveryRow, source: WebhookSourceRow): Promise<DeliveryRow | 'stop'> {
    switch (d.status) {
      case 'deduplicated':
        return this.route(d, source);
      case 'routed':
        return this.decide(d, source);
      case 'decided': {
        const decided = (d.decision as { decision?: string } | null)?.decision;
        if (decided === 'EXIT') await this.flatten(d);
        return decided === 'ENTER' ? this.order(d, source) : 'stop';
      }
      case 'ordered':
        await this.settle(d.id);
        return 'stop';
      default:
        return 'stop';
    }
  }

  private async reread(id: string): Promise<DeliveryRow | 'stop'> {
    return (await this.deliveries.byId(id)) ?? 'stop';
  }

  private async route(d: DeliveryRow, source: WebhookSourceRow): Promise<DeliveryRow | 'stop'> {
    const engine = routeEngine(d.id, source.split);
    applyDeliveryEvent(
      { status: 'deduplicated', engine: null, decision: null, rejectReason: null, duplicateOf: null },
      { type: 'ROUTED', engine },
    );
    const moved = await this.deliveries.advance(
      d.id,
      'deduplicated',
      'routed',
      {
        outcome: 'ok',
        detail: `engine ${engine} (split ${source.split}% to A)`,
      },
      { engine },
    );
    return moved ?? this.reread(d.id);
  }

  private async reject(d: DeliveryRow, from: 'routed' | 'decided' | 'ordered', reason: string): Promise<DeliveryRow | 'stop'> {
    const moved = await this.deliveries.advance(d.id, from, 'rejected', { outcome: 'rejected', detail: reason }, { rejectReason: reason });
    if (moved) await this.failed(d, reason);
    return moved ?? this.reread(d.id);
  }

  private async decide(d: DeliveryRow, source: WebhookSourceRow): Promise<DeliveryRow | 'stop'> {
    const payload = d.payload as unknown as AlertPayload;
    const engine = d.engine as AlertEngine;
    if (payload.action === 'EXIT') return this.decideExit(d, source, payload);
    const started = performance.now();
    const instrument = await this.instruments.cachedBySymbol(payload.symbol);
    if (!instrument) return this.reject(d, 'routed', `unknown symbol ${payload.symbol}`);
    const quantity = quantityOf(payload, instrument.lotSize, source.limits.maxQuantity);
    if (quantity <= 0)
      return this.reject(d, 'routed', `not one lot (${instrument.lotSize}) fits the source's maxQuantity (${source.limits.maxQuantity})`);
    const alert: EngineAlert = { symbol: payload.symbol, action: payload.action as OrderSide, quantity };
    const { config } = await this.configs.get(source.ownerUserId);
    let ctx;
    try {
      ctx = await this.context.load(source.ownerUserId, payload.symbol, Date.now());
    } catch (e) {
      if (isDomainError(e)) return this.reject(d, 'routed', `no market context: ${e.message}`);
      throw e;
    }
    const a = decideEngineA(alert, ctx, config.a);
    const b = decideEngineB(alert, ctx, config.b);
    const [routed, shadow] = engine === 'A' ? [a, b] : [b, a];
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    const decision = json({ ...routed, quantity, ltp: ctx.ltp, latencyMs: ms });
    const shadowDecision = json({ ...shadow, quantity, ltp: ctx.ltp, latencyMs: ms });
    let opened: string | null = null;
    const moved = await this.db.tx(async (sql) => {
      opened = null; // a retried transaction starts over
      const m = await this.deliveries.advance(
        d.id,
        'routed',
        'decided',
        { outcome: 'ok', detail: `${engine} ${routed.decision} (shadow ${shadow.engine} ${shadow.decision}) in ${ms} ms` },
        { decision, shadowDecision },
        sql,
      );
      if (m && shadow.decision === 'ENTER') {
        opened = await this.positions.open(
          {
            deliveryId: d.id,
            sourceId: source.id,
            userId: source.ownerUserId,
            accountId: null,
            engine: shadow.engine,
            symbol: payload.symbol,
            side: alert.action,
            quantity,
            entryPrice: ctx.ltp,
            entryOrderId: null,
            openedAt: new Date(ctx.now),
            exitConfig: config.exit,
          },
          sql,
        );
      }
      return m;
    });
    // After the commit, the exit engine watches the new shadow position at once (its 30 s reload is the safety net).
    if (opened) await this.exitNotes.publish({ positions: [opened] });
    if (moved) this.logger.debug({ deliveryId: d.id, engine, decision: routed.decision }, 'alert delivery decided');
    return moved ?? this.reread(d.id);
  }

  /**
   * An EXIT alert (docs/alerts.md "EXIT alerts"): no engine decides it. The delivery moves to
   * `decided` with decision EXIT naming the source's open positions on the symbol (real and
   * shadow) and the LTP; then each is exited through the exit engine's own trigger (tier 0,
   * `EXIT_ALERT`): once per position whoever fires first, a real one by a reducing MARKET order,
   * a shadow one closed at the LTP. Nothing open: decided with no positions (the delivery says so).
   */
  private async decideExit(d: DeliveryRow, source: WebhookSourceRow, payload: AlertPayload): Promise<DeliveryRow | 'stop'> {
    const started = performance.now();
    const ltp = (await this.quotes.get([payload.symbol])).get(payload.symbol)?.[2];
    if (ltp === undefined) return this.reject(d, 'routed', `no market context: No price for ${payload.symbol} yet`);
    const open = await this.positions.openOfSource(source.id, payload.symbol);
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    const positions = open.map((p) => p.id);
    const moved = await this.deliveries.advance(
      d.id,
      'routed',
      'decided',
      { outcome: 'ok', detail: `EXIT: ${positions.length} open position${positions.length === 1 ? '' : 's'} on ${payload.symbol}` },
      { decision: { decision: 'EXIT', positions, ltp, latencyMs: ms } },
    );
    if (!moved) return this.reread(d.id);
    await this.flatten(moved);
    return 'stop';
  }

  /** Fires the exit of every position an EXIT delivery names (idempotent: one trigger per position). */
  private async flatten(d: DeliveryRow): Promise<void> {
    const decision = d.decision as { positions?: string[]; ltp?: number } | null;
    const ids = decision?.positions ?? [];
    if (ids.length === 0 || typeof decision?.ltp !== 'number') return;
    const price = decision.ltp as PriceTicks;
    for (const p of await this.positions.byIds(ids)) {
      if (p.status !== 'open') continue;
      await this.exits.fire({
        position: {
          positionId: p.id,
          userId: p.user_id,
          shadow: p.shadow,
          symbol: p.symbol,
          side: p.side,
          quantity: Number(p.quantity),
          entry: Number(p.entry_price) as PriceTicks,
        },
        signal: { tier: EXIT_ALERT_TIER, rule: EXIT_ALERT_RULE, reason: `EXIT alert (delivery ${d.id})`, flag: false },
        price,
      });
    }
    // The exit engine stops watching them (it skips positions with an exit when it re-reads).
    await this.exitNotes.publish({ positions: ids });
  }

  private async order(d: DeliveryRow, source: WebhookSourceRow): Promise<DeliveryRow | 'stop'> {
    const payload = d.payload as unknown as AlertPayload;
    const quantity = Number((d.decision as { quantity: number }).quantity);
    const max = source.limits.maxOpenPositions;
    if (max !== null && (await this.positions.openRealCount(source.id)) + source.accountIds.length > max)
      return this.reject(d, 'decided', `maxOpenPositions ${max} reached on this source`);
    const orderIds: string[] = [];
    const refusals: string[] = [];
    for (const accountId of source.accountIds) {
      try {
        const r = await this.place.execute(
          source.ownerUserId as never,
          {
            symbol: payload.symbol,
            side: payload.action as OrderSide,
            type: 'MARKET',
            quantity,
            product: 'MIS',
            validity: 'DAY',
            tag: ALERT_ORDER_TAG,
            accountId,
          },
          `alert:${d.id}:${accountId}`,
          { requestId: `alert:${d.id}` },
        );
        orderIds.push(r.body.order.id);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        refusals.push(`${accountId}: ${e.message}`);
      }
    }
    if (orderIds.length === 0) return this.reject(d, 'decided', `every order refused: ${refusals.join('; ')}`.slice(0, 500));
    const moved = await this.deliveries.advance(
      d.id,
      'decided',
      'ordered',
      {
        outcome: 'ok',
        detail:
          refusals.length > 0 ? `${orderIds.length} order(s); refused ${refusals.join('; ')}`.slice(0, 500) : `${orderIds.length} order(s)`,
      },
      { orderIds },
    );
    return moved ?? this.reread(d.id);
  }

  /**
   * Once every order of an `ordered` delivery has ended: real positions open for the filled ones
   * (at the order's average price), the delivery moves to `filled` (any fill) or `rejected`.
   * Idempotent (unique position keys, the status guard); called after ordering and by the
   * execution path's order-change note.
   */
  async settle(deliveryId: string): Promise<void> {
    const opened: string[] = [];
    const rejected = await this.db.tx(async (sql): Promise<{ id: string; sourceId: string; reason: string } | null> => {
      opened.length = 0; // a retried transaction starts over
      const d = await this.deliveries.lockOrdered(deliveryId, sql);
      if (!d) return null;
      const source = await this.sources.byId(d.sourceId, sql);
      if (!source) return null;
      const orders = await Promise.all(d.orderIds.map((id) => this.trading.order(id as never, sql)));
      if (orders.some((o) => !o || !isTerminalStatus(o.status))) return null;
      const exitConfig = (await this.configs.get(source.ownerUserId, sql)).config.exit;
      let filled = 0;
      for (const o of orders) {
        if (!o || o.filled_quantity <= 0) continue;
        filled += 1;
        const avg = Number(BigInt(o.filled_value_tick_units) / BigInt(o.filled_quantity));
        const id = await this.positions.open(
          {
            deliveryId: d.id,
            sourceId: d.sourceId,
            userId: source.ownerUserId,
            accountId: o.account_id,
            engine: d.engine as AlertEngine,
            symbol: o.symbol,
            side: o.side,
            quantity: o.filled_quantity,
            entryPrice: avg,
            entryOrderId: o.id,
            openedAt: o.updated_at,
            exitConfig,
          },
          sql,
        );
        if (id) opened.push(id);
      }
      const reasons = orders
        .filter((o) => o && o.filled_quantity <= 0)
        .map((o) => `${o!.id} ${o!.status}${o!.reject_reason ? `: ${o!.reject_reason}` : ''}`);
      if (filled > 0) {
        await this.deliveries.advance(
          d.id,
          'ordered',
          'filled',
          { outcome: 'ok', detail: `${filled} of ${orders.length} filled` },
          {},
          sql,
        );
        return null;
      }
      const reason = reasons.join('; ').slice(0, 500) || 'no fill';
      const moved = await this.deliveries.advance(
        d.id,
        'ordered',
        'rejected',
        { outcome: 'rejected', detail: reason },
        { rejectReason: reason },
        sql,
      );
      return moved ? { id: d.id, sourceId: d.sourceId, reason } : null;
    });
    // After the commit: the exit engine watches the new real positions at once; the owner hears of a rejection.
    if (opened.length > 0) await this.exitNotes.publish({ positions: opened });
    if (rejected) await this.failed(rejected, rejected.reason);
  }
}

/**
 * The order's units: the alert's units or lots × lot size, else one lot; never over the source's
 * maxQuantity — a capped size stays whole lots (0 when not even one lot fits).
 */
export function quantityOf(payload: AlertPayload, lotSize: number, maxQuantity: number | null): number {
  const q = payload.size.kind === 'units' ? payload.size.quantity : payload.size.kind === 'lots' ? payload.size.lots * lotSize : lotSize;
  if (maxQuantity === null || q <= maxQuantity) return q;
  return Math.floor(maxQuantity / lotSize) * lotSize;
}
