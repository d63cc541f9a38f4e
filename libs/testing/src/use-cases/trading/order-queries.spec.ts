import type { OrderId, UserId } from '@tradeloop/domain';
import type { QuotesStore } from '@tradeloop/market';
import type { Db } from '@tradeloop/platform';
import {
  GetOrderQuery,
  ListOrdersQuery,
  ListPositionsQuery,
  ListTradesQuery,
  toOrderDto,
  type TradeRow,
  type TradingRepository,
} from '@tradeloop/trading';
import { FakeDb, FakeQuotes, FakeTrading, fakePaperAccountId, port } from '../../fakes';
import { refusal } from '../refusal';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const ALICE = 'alice' as UserId;
const BOB = 'bob' as UserId;
const at = (s: number) => new Date(NOW.getTime() + s * 1000);

function setup() {
  const db = new FakeDb();
  const trading = new FakeTrading(db);
  const quotes = new FakeQuotes();
  const repo = port<TradingRepository>(trading);
  return {
    db,
    trading,
    quotes,
    getOrder: new GetOrderQuery(port<Db>(db), repo),
    listOrders: new ListOrdersQuery(repo),
    listTrades: new ListTradesQuery(repo),
    listPositions: new ListPositionsQuery(repo, port<QuotesStore>(quotes)),
  };
}

const trade = (id: string, s: number, over: Partial<TradeRow> = {}): TradeRow => ({
  id,
  order_id: `order-${id}`,
  symbol: 'INFY',
  side: 'BUY',
  product: 'CNC',
  quantity: 2,
  price_ticks: '15000000',
  value_paise: '300000',
  fees_paise: '20',
  taxes_paise: '5',
  charges: [
    { name: 'brokerage', kind: 'FEE', amount: '0.20' },
    { name: 'stt', kind: 'TAX', amount: '0.05' },
  ],
  broker_trade_id: `bt-${id}`,
  executed_at: at(s),
  ...over,
});

/** 10 INFY bought at 1500.00 (ticks·units: 10 × 15 000 000). */
const longInfy = {
  accountId: fakePaperAccountId(ALICE),
  symbol: 'INFY',
  product: 'CNC' as const,
  netQuantity: 10,
  lotCost: 150_000_000n,
  lotQuantity: 10,
  lotClosedQuantity: 0,
  lotClosedCashFlow: 0n,
  realizedBeforeLot: 0n,
};
/** 5 TCS sold short at 4000.00, 2 bought back at 3900.00 (realized 200.00). */
const shortTcs = {
  accountId: fakePaperAccountId(ALICE),
  symbol: 'TCS',
  product: 'MIS' as const,
  netQuantity: -3,
  lotCost: -200_000_000n,
  lotQuantity: 5,
  lotClosedQuantity: 2,
  lotClosedCashFlow: -78_000_000n,
  realizedBeforeLot: 0n,
};

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('GetOrderQuery', () => {
  it('answers the owner’s order with its history, oldest first, the event folded into the details', async () => {
    const w = setup();
    const o = w.trading.addOrder({ user_id: ALICE, status: 'OPEN' });
    await w.trading.appendEvent(w.db.sql, o.id, 'PENDING', 'SENDING', { attempt: 1 });
    vi.setSystemTime(at(1));
    await w.trading.appendEvent(w.db.sql, o.id, 'OPEN', 'CANCEL_REQUESTED', { by: 'kill switch' });

    const res = await w.getOrder.execute(ALICE, o.id);

    expect(res).toEqual({
      ...toOrderDto(o),
      history: [
        { status: 'PENDING', at: NOW.toISOString(), details: { event: 'SENDING', attempt: 1 } },
        { status: 'OPEN', at: at(1).toISOString(), details: { event: 'CANCEL_REQUESTED', by: 'kill switch' } },
      ],
    });
    expect(w.db.transactions).toEqual([]);
  });

  it('another user’s order, and an unknown id, are NOT_FOUND', async () => {
    const w = setup();
    const bobs = w.trading.addOrder({ user_id: BOB });
    const other = await refusal(w.getOrder.execute(ALICE, bobs.id));
    const unknown = await refusal(w.getOrder.execute(ALICE, '00000000-0000-4000-8000-ffffffffffff' as OrderId));

    expect([other.code, unknown.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(other.message).toBe(unknown.message);
  });
});

describe('ListOrdersQuery', () => {
  it('lists only the caller’s orders, newest first, as DTOs, up to the limit', async () => {
    const w = setup();
    const a1 = w.trading.addOrder({ user_id: ALICE, created_at: at(1) });
    w.trading.addOrder({ user_id: BOB, created_at: at(2) });
    const a3 = w.trading.addOrder({ user_id: ALICE, created_at: at(3) });
    const a2 = w.trading.addOrder({ user_id: ALICE, created_at: at(2) });

    expect(await w.listOrders.execute(ALICE, { limit: 50 })).toEqual([a3, a2, a1].map(toOrderDto));
    expect((await w.listOrders.execute(ALICE, { limit: 2 })).map((o) => o.id)).toEqual([a3.id, a2.id]);
    expect(await w.listOrders.execute('carol' as UserId, { limit: 50 })).toEqual([]);
  });

  it('passes the filters through: "open", a status, a symbol, a strategy', async () => {
    const w = setup();
    const open = w.trading.addOrder({ user_id: ALICE, status: 'OPEN', symbol: 'INFY', created_at: at(1) });
    const filled = w.trading.addOrder({ user_id: ALICE, status: 'FILLED', symbol: 'TCS', strategy_id: 's-1', created_at: at(2) });
    const pending = w.trading.addOrder({ user_id: ALICE, status: 'PENDING', symbol: 'TCS', created_at: at(3) });
    const ids = async (q: { status?: string; symbol?: string; strategyId?: string }) =>
      (await w.listOrders.execute(ALICE, { ...q, limit: 50 })).map((o) => o.id);

    expect(await ids({ status: 'open' })).toEqual([pending.id, open.id]);
    expect(await ids({ status: 'FILLED' })).toEqual([filled.id]);
    expect(await ids({ symbol: 'tcs' })).toEqual([pending.id, filled.id]);
    expect(await ids({ strategyId: 's-1' })).toEqual([filled.id]);
  });
});

describe('ListTradesQuery', () => {
  it('lists only the caller’s trades, newest first, fees including taxes, up to the limit', async () => {
    const w = setup();
    w.trading.tradesOf.set(ALICE, [trade('t1', 1), trade('t2', 2, { side: 'SELL', price_ticks: '15100500' })]);
    w.trading.tradesOf.set(BOB, [trade('t3', 3)]);

    const res = await w.listTrades.execute(ALICE);

    expect(res.map((t) => t.id)).toEqual(['t2', 't1']);
    expect(res[1]).toEqual({
      id: 't1',
      orderId: 'order-t1',
      symbol: 'INFY',
      side: 'BUY',
      product: 'CNC',
      quantity: 2,
      price: '1500.00',
      value: '3000.00',
      fees: '0.25',
      charges: [
        { name: 'brokerage', kind: 'FEE', amount: '0.20' },
        { name: 'stt', kind: 'TAX', amount: '0.05' },
      ],
      brokerTradeId: 'bt-t1',
      executedAt: at(1).toISOString(),
    });
    expect(res[0]!.price).toBe('1510.05');
    expect((await w.listTrades.execute(ALICE, 1)).map((t) => t.id)).toEqual(['t2']);
    expect(await w.listTrades.execute('carol' as UserId)).toEqual([]);
  });
});

describe('ListPositionsQuery', () => {
  it('marks the caller’s positions to the latest quotes (long and short), and never shows another user’s', async () => {
    const w = setup();
    w.trading.positionsOf.set(ALICE, [shortTcs, longInfy]);
    w.trading.positionsOf.set(BOB, [{ ...longInfy, symbol: 'WIPRO' }]);
    w.quotes.ticks.set('INFY', ['INFY', NOW.getTime(), 15_500_000, 15_499_500, 15_500_500, 1000, 15_000_000, 1]);
    w.quotes.ticks.set('TCS', ['TCS', NOW.getTime(), 38_000_000, 37_999_500, 38_000_500, 1000, 40_000_000, 2]);

    expect(await w.listPositions.execute(ALICE)).toEqual([
      {
        accountId: fakePaperAccountId(ALICE),
        symbol: 'INFY',
        product: 'CNC',
        netQuantity: 10,
        averagePrice: '1500.00',
        ltp: '1550.00',
        unrealizedPnl: '500.00',
        realizedPnl: '0.00',
      },
      {
        accountId: fakePaperAccountId(ALICE),
        symbol: 'TCS',
        product: 'MIS',
        netQuantity: -3,
        averagePrice: '4000.00',
        ltp: '3800.00',
        unrealizedPnl: '600.00',
        realizedPnl: '200.00',
      },
    ]);
    expect(await w.listPositions.execute('carol' as UserId)).toEqual([]);
  });

  it('a symbol without a quote is unmarked: no LTP, unrealized shown as zero', async () => {
    const w = setup();
    w.trading.positionsOf.set(ALICE, [longInfy]);

    expect(await w.listPositions.execute(ALICE)).toEqual([
      {
        accountId: fakePaperAccountId(ALICE),
        symbol: 'INFY',
        product: 'CNC',
        netQuantity: 10,
        averagePrice: '1500.00',
        ltp: null,
        unrealizedPnl: '0.00',
        realizedPnl: '0.00',
      },
    ]);
  });

  it('when the quote store fails, positions are still answered, unmarked', async () => {
    const w = setup();
    w.trading.positionsOf.set(ALICE, [longInfy, shortTcs]);
    const down = new ListPositionsQuery(
      port<TradingRepository>(w.trading),
      port<QuotesStore>({ get: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) }),
    );

    const res = await down.execute(ALICE);

    expect(res.map((p) => [p.symbol, p.ltp, p.unrealizedPnl, p.realizedPnl])).toEqual([
      ['INFY', null, '0.00', '0.00'],
      ['TCS', null, '0.00', '200.00'],
    ]);
  });
});
