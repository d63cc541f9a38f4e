import { Inject, Injectable } from '@nestjs/common';
import { BrokerError, type BrokerAdapter } from '@tradeloop/brokers';
import { BrokerAccountsRepository, needsDailyLogin } from '@tradeloop/accounts';
import type { BrokerFundsDto, BrokerHoldingList, BrokerKind, BrokerOrderViewList, BrokerPositionList } from '@tradeloop/contracts';
import { DomainError, formatMoney, formatPrice, positionAveragePrice, realizedPnl, valueToPaise, type UserId } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { PaperBooks } from '@tradeloop/wallet';
import { LiveBrokerClients } from './live-broker-clients';
import { averageFillPriceOf } from './order-row';
import { TradingRepository } from './trading.repository';

/**
 * The broker's own view of one of the caller's accounts (docs/api.md "Broker accounts"), beside ours:
 * a live account's funds, positions, delivery holdings and order book as its broker reports them now; a paper
 * account's from our own book of it (its broker is our mock). A session that is gone is 409
 * BROKER_LOGIN_REQUIRED; a broker that does not answer 503 — never a 500.
 */
@Injectable()
export class BrokerAccountViewsQuery {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly accounts: BrokerAccountsRepository,
    @Inject(LiveBrokerClients) private readonly clients: LiveBrokerClients,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
  ) {}

  async funds(userId: UserId, accountId: string): Promise<BrokerFundsDto> {
    const a = await this.visible(userId, accountId);
    if (a.kind === 'paper') {
      // The paper book is the truth (opened with the starting balance on first use): available cash, and what orders hold.
      const book = await this.paperBooks.balanceOf(accountId, a.ownerUserId ?? userId);
      return {
        accountId,
        broker: 'mock',
        availableCash: formatMoney(book.cash),
        usedMargin: formatMoney(book.held),
        asOf: new Date().toISOString(),
      };
    }
    const f = await this.fromBroker(a, () => this.clients.fundsOf(accountId));
    return {
      accountId,
      broker: a.kind,
      availableCash: formatMoney(f.availableCash),
      usedMargin: formatMoney(f.usedMargin),
      asOf: new Date().toISOString(),
    };
  }

  async positions(userId: UserId, accountId: string): Promise<BrokerPositionList> {
    const a = await this.visible(userId, accountId);
    if (a.kind === 'paper') {
      const ours = (await this.trading.positions(userId)).filter((p) => p.accountId === accountId && p.netQuantity !== 0);
      const items = [];
      for (const p of ours) {
        const avg = positionAveragePrice(p);
        items.push({
          symbol: p.symbol,
          exchange: (await this.instruments.cachedBySymbol(p.symbol))?.exchange ?? 'NSE',
          product: p.product,
          netQuantity: p.netQuantity,
          averagePrice: avg === null ? null : formatPrice(avg),
          lastPrice: null,
          realisedPnl: formatMoney(valueToPaise(realizedPnl(p))),
        });
      }
      return { accountId, broker: 'mock', items };
    }
    const list = await this.fromBroker(a, async () => (await this.adapter(accountId)).listPositions());
    return {
      accountId,
      broker: a.kind,
      items: list.map((p) => ({
        symbol: p.instrument.symbol,
        exchange: p.instrument.exchange,
        product: p.product,
        netQuantity: p.netQuantity,
        averagePrice: p.averagePrice === null ? null : formatPrice(p.averagePrice),
        lastPrice: p.lastPrice === null ? null : formatPrice(p.lastPrice),
        realisedPnl: formatMoney(p.realisedPnl),
      })),
    };
  }

  /** Delivery holdings (docs/brokers.md 4.12); a paper account has none (the mock never rolls a day). */
  async holdings(userId: UserId, accountId: string): Promise<BrokerHoldingList> {
    const a = await this.visible(userId, accountId);
    if (a.kind === 'paper') return { accountId, broker: 'mock', items: [] };
    const list = await this.fromBroker(a, async () => (await this.adapter(accountId)).listHoldings());
    return {
      accountId,
      broker: a.kind,
      items: list.map((h) => ({
        symbol: h.instrument.symbol,
        exchange: h.instrument.exchange,
        quantity: h.quantity,
        t1Quantity: h.t1Quantity,
        usedQuantity: h.usedQuantity,
        averagePrice: h.averagePrice === null ? null : formatPrice(h.averagePrice),
        lastPrice: h.lastPrice === null ? null : formatPrice(h.lastPrice),
        pnl: formatMoney(h.pnl),
      })),
    };
  }

  async orders(userId: UserId, accountId: string): Promise<BrokerOrderViewList> {
    const a = await this.visible(userId, accountId);
    if (a.kind === 'paper') {
      const rows = await this.trading.listOrders(userId, { accountId, limit: 500 });
      const items = [];
      for (const o of rows) {
        if (o.broker_order_ids.length === 0) continue;
        const avg = averageFillPriceOf(o);
        items.push({
          brokerOrderId: o.broker_order_ids[0]!,
          symbol: o.symbol,
          exchange: (await this.instruments.cachedBySymbol(o.symbol))?.exchange ?? 'NSE',
          side: o.side,
          type: o.type,
          product: o.product,
          quantity: o.quantity,
          filledQuantity: o.filled_quantity,
          price: o.price_ticks === null ? null : formatPrice(Number(o.price_ticks)),
          triggerPrice: o.trigger_ticks === null ? null : formatPrice(Number(o.trigger_ticks)),
          averagePrice: avg === null ? null : formatPrice(avg),
          status: o.status,
          rawStatus: o.status,
          tag: null,
          placedAt: o.created_at.toISOString(),
          updatedAt: o.updated_at.toISOString(),
        });
      }
      return { accountId, broker: 'mock', items };
    }
    const list = await this.fromBroker(a, async () => (await this.adapter(accountId)).listOrders());
    return {
      accountId,
      broker: a.kind,
      items: list.map((o) => ({
        brokerOrderId: o.brokerOrderId,
        symbol: o.instrument.symbol,
        exchange: o.instrument.exchange,
        side: o.side,
        type: o.type,
        product: o.product,
        quantity: o.quantity,
        filledQuantity: o.filledQuantity,
        price: o.price === null ? null : formatPrice(o.price),
        triggerPrice: o.triggerPrice === null ? null : formatPrice(o.triggerPrice),
        averagePrice: o.filledQuantity > 0 && o.averagePrice !== null ? formatPrice(o.averagePrice) : null,
        status: o.status,
        rawStatus: o.rawStatus,
        tag: o.tag,
        placedAt: new Date(o.placedAt).toISOString(),
        updatedAt: new Date(o.updatedAt).toISOString(),
      })),
    };
  }

  private async visible(userId: UserId, accountId: string) {
    const a = await this.accounts.findVisible(userId, accountId);
    if (!a) throw new DomainError('NOT_FOUND', 'No such broker account');
    return a;
  }

  private adapter(accountId: string): Promise<BrokerAdapter> {
    return this.clients.adapterFor(accountId);
  }

  /** A broker call, its failures in the API's words: the session gone → 409, anything else from the broker → 503. */
  private async fromBroker<T>(account: { name: string; kind: BrokerKind }, call: () => Promise<T>): Promise<T> {
    const name = account.name;
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      // A refused or missing session: a new daily login for Kite and Upstox; OpenAlgo has none, its host and API key are the session.
      if (err.kind === 'auth' && needsDailyLogin(account.kind))
        throw new DomainError(
          'BROKER_LOGIN_REQUIRED',
          `The broker account "${name}" needs a fresh broker login: log in to it again, then retry`,
        );
      if (err.kind === 'auth')
        throw new DomainError(
          'CONFLICT',
          `The broker account "${name}" is not connected: check its host and API key in Account → Brokers, then retry`,
        );
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `The broker did not answer for "${name}" (${err.brokerMessage ?? err.message}); try again shortly`,
      );
    }
  }
}
