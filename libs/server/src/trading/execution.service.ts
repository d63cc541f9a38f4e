import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  applyBrokerUpdate,
  FEE_LINE_KIND,
  type FeeLine,
  formatMoney,
  isTerminalStatus,
  realizedPnl,
  releaseTx,
  remainingQuantity,
  reservationFor,
  settleFill,
  type BrokerOrderReport,
  type OrderStatus,
} from '@tradeloop/domain';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { Db, type Sql } from '../db';
import { InstrumentsRepository } from '../market';
import { RealtimePublisher } from '../realtime';
import { LedgerRepository } from '../wallet';
import { orderState, reservationBasisOf, toOrderDto, type OrderRow } from './order-row';
import { TradingRepository } from './trading.repository';
import { OrderCommandsUseCase } from './order-commands.use-case';

/** What to tell the owner once a transaction has committed. */
interface Outbox {
  userId: string;
  order?: OrderRow;
  tradeIds: string[];
  positions: boolean;
  wallet: boolean;
}

/**
 * The execution engine's database side. Every change to an order happens in one transaction
 * with the order row locked: its history entry, and for a fill the trade (unique per broker
 * fill), the ledger postings, the hold released and the position — so a fill reported twice, or
 * re-read after a crash, is applied exactly once. Events go out after the commit.
 */
@Injectable()
export class ExecutionService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(OrderCommandsUseCase) private readonly queries: OrderCommandsUseCase,
  ) {}

  /**
   * Before the broker call: records that the order is being sent (so a retry after a crash
   * looks the order up at the broker before sending again). Returns what to do: `send`, or
   * `skip` (terminal, already at the broker, or cancelled before it left).
   */
  async beginSend(orderId: string): Promise<{ action: 'send' | 'skip' | 'lookup'; order: OrderRow | undefined }> {
    return this.run(async (sql, out) => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o || isTerminalStatus(o.status) || o.broker_order_ids.length > 0) return { action: 'skip', order: o };
      out.userId = o.user_id;
      if (o.cancel_requested) {
        out.order = await this.finish(sql, o, 'CANCELLED', 'CANCELLED', 'cancelled before it was sent', out);
        return { action: 'skip', order: out.order };
      }
      const history = await this.trading.history(orderId, sql);
      const sentBefore = history.some((h) => h.event === 'SENDING');
      if (!sentBefore) await this.trading.appendEvent(sql, orderId, 'PENDING', 'SENDING', {});
      return { action: sentBefore ? 'lookup' : 'send', order: o };
    });
  }

  /** The broker took the order: its ids are recorded and the order is OPEN (or waiting for its trigger). */
  async accepted(orderId: string, brokerOrderIds: readonly string[], how: 'sent' | 'found-by-tag'): Promise<OrderRow | undefined> {
    return this.run(async (sql, out) => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o || o.broker_order_ids.length > 0 || isTerminalStatus(o.status)) return o;
      out.userId = o.user_id;
      const status: OrderStatus = o.type === 'SL' || o.type === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN';
      out.order = await this.trading.updateOrder(sql, orderId, { status, brokerOrderIds: [...brokerOrderIds] });
      await this.trading.appendEvent(sql, orderId, status, 'ACCEPTED', { brokerOrderIds, how });
      return out.order;
    });
  }

  /** A final refusal (by us or the broker): REJECTED, hold released. */
  async rejected(orderId: string, reason: string): Promise<void> {
    await this.run(async (sql, out) => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o || isTerminalStatus(o.status)) return;
      out.userId = o.user_id;
      out.order = await this.finish(sql, o, 'REJECTED', 'REJECTED', reason, out);
    });
  }

  /** Cancelled while still ours (never sent). */
  async cancelledLocally(orderId: string): Promise<void> {
    await this.run(async (sql, out) => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o || isTerminalStatus(o.status) || o.broker_order_ids.length > 0) return;
      out.userId = o.user_id;
      out.order = await this.finish(sql, o, 'CANCELLED', 'CANCELLED', 'cancelled before it was sent', out);
    });
  }

  /** Finds our order for a broker order id. */
  async orderForBrokerId(brokerOrderId: string): Promise<string | undefined> {
    const r = await this.db.sql.maybeOne<{ id: string }>(`SELECT id FROM orders WHERE broker_order_ids @> ARRAY[$1]::text[]`, [brokerOrderId]);
    return r?.id;
  }

  /**
   * Applies a broker report (cumulative fills, status): a new fill becomes a trade with its
   * ledger postings and position; a terminal status releases what is still held. Stale or
   * repeated reports change nothing.
   */
  async applyReport(orderId: string, brokerOrderId: string, report: BrokerOrderReport, executedAt: number): Promise<'applied' | 'unchanged' | 'stale'> {
    return this.run(async (sql, out) => {
      const o = await this.trading.order(orderId, sql, { lock: true });
      if (!o) return 'unchanged';
      out.userId = o.user_id;
      const instrument = await this.instruments.bySymbol(o.symbol, sql);
      const before = orderState(o);
      const result = applyBrokerUpdate(before, report, { tickSize: instrument?.tickSize ?? 1 });
      if (result.outcome !== 'applied') return result.outcome;
      let row = o;
      let filledQuantity = o.filled_quantity;
      let filledValue = BigInt(o.filled_value);
      let reserved = BigInt(o.reserved_paise);
      if (result.fill) {
        const position = await this.trading.position(sql, o.user_id, o.symbol, o.product, true);
        const tradeId = uuidv7();
        const stateAtFill = { ...before, filledQuantity, filledValue };
        const s = settleFill({ userId: o.user_id, reference: tradeId, order: stateAtFill, basis: reservationBasisOf(o), fill: result.fill, position });
        const fresh = await this.trading.insertTrade(sql, {
          id: tradeId,
          orderId,
          userId: o.user_id,
          symbol: o.symbol,
          side: o.side,
          product: o.product,
          quantity: result.fill.quantity,
          price: result.fill.price,
          value: s.value,
          fees: s.charges.fees,
          taxes: s.charges.taxes,
          charges: (Object.entries(s.charges.lines) as [FeeLine, bigint][]).map(([name, amount]) => ({ name, kind: FEE_LINE_KIND[name], amount: formatMoney(amount) })),
          realizedDelta: realizedPnl(s.position) - realizedPnl(position),
          broker: o.broker,
          brokerTradeId: `${brokerOrderId}:${result.fill.id}`,
          executedAt: new Date(executedAt),
        });
        if (!fresh) return 'unchanged';
        for (const tx of s.transactions) await this.ledger.post(sql, tx);
        await this.trading.savePosition(sql, o.user_id, o.symbol, o.product, s.position);
        filledQuantity += result.fill.quantity;
        filledValue += BigInt(result.fill.quantity) * BigInt(result.fill.price);
        reserved = reservationFor(reservationBasisOf(o), o.quantity - filledQuantity, filledValue);
        out.tradeIds.push(tradeId);
        out.positions = true;
        out.wallet = true;
      }
      const status = result.order.status;
      row = await this.trading.updateOrder(sql, orderId, { status, filledQuantity, filledValue, reserved, rejectReason: result.order.rejectReason });
      for (const e of result.events) await this.trading.appendEvent(sql, orderId, status, e.type, e.type === 'FILL' ? { quantity: e.fill.quantity, price: e.fill.price, fillId: e.fill.id } : {});
      if (isTerminalStatus(status) && reserved > 0n) row = await this.releaseRest(sql, row, reserved, out);
      out.order = row;
      return 'applied';
    });
  }

  private async finish(sql: Sql, o: OrderRow, status: OrderStatus, event: string, reason: string, out: Outbox): Promise<OrderRow> {
    let row = await this.trading.updateOrder(sql, o.id, { status, rejectReason: status === 'REJECTED' ? reason : o.reject_reason });
    await this.trading.appendEvent(sql, o.id, status, event, { reason });
    const reserved = BigInt(o.reserved_paise);
    if (reserved > 0n) row = await this.releaseRest(sql, row, reserved, out);
    return row;
  }

  /** Gives back what an order that will not fill further still holds. */
  private async releaseRest(sql: Sql, o: OrderRow, reserved: bigint, out: Outbox): Promise<OrderRow> {
    await this.ledger.post(sql, releaseTx(o.user_id, reserved, o.id));
    out.wallet = true;
    const row = await this.trading.updateOrder(sql, o.id, { reserved: 0n });
    await this.trading.appendEvent(sql, o.id, row.status, 'HOLD_RELEASED', { amount: formatMoney(reserved), remaining: remainingQuantity(orderState(row)) });
    return row;
  }

  private async run<T>(work: (sql: Sql, out: Outbox) => Promise<T>): Promise<T> {
    const out: Outbox = { userId: '', tradeIds: [], positions: false, wallet: false };
    const result = await this.db.tx((sql) => work(sql, out));
    // Best effort, after the commit: a lost event shows as a seq gap and the client re-fetches.
    if (out.userId) await this.publish(out).catch(() => undefined);
    return result;
  }

  private async publish(out: Outbox): Promise<void> {
    const tasks: Promise<void>[] = [];
    if (out.order) tasks.push(this.realtime.toUser(out.userId, REALTIME_EVENTS.orderUpdated, { order: toOrderDto(out.order) }));
    if (out.tradeIds.length > 0) {
      const trades = (await this.queries.trades(out.userId, 20)).filter((t) => out.tradeIds.includes(t.id));
      for (const trade of trades) tasks.push(this.realtime.toUser(out.userId, REALTIME_EVENTS.tradeExecuted, { trade }));
    }
    if (out.positions) {
      for (const position of await this.queries.positions(out.userId)) tasks.push(this.realtime.toUser(out.userId, REALTIME_EVENTS.positionUpdated, { position }));
    }
    if (out.wallet) {
      const wallet = await this.ledger.wallet(out.userId);
      if (wallet) tasks.push(this.realtime.toUser(out.userId, REALTIME_EVENTS.walletUpdated, { wallet }));
    }
    await Promise.all(tasks);
  }
}
