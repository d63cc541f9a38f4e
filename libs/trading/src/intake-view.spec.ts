import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS } from './risk.repository';
import { IntakeView } from './intake.read-model';
import { toPosition } from './trading.repository';

/**
 * IntakeView: one user's intake picture for a batch (PlaceOrderUseCase.placeWithin). `state`
 * answers for an order's account what a fresh read would; `placed` folds in an order the batch
 * placed — open for its whole quantity on its account, and one more order in the user-wide rate.
 */
type Row = ConstructorParameters<typeof IntakeView>[0];
type Positions = ConstructorParameters<typeof IntakeView>[2];
type Quotes = ConstructorParameters<typeof IntakeView>[3];

const NOW = 1_765_000_000_000;
const A = 'acc-a';
const B = 'acc-b';
const C = 'acc-c';
const changedAt = new Date(NOW - 5_000);

const row = (over: Partial<Row> = {}): Row => ({
  limits: { a: '500000', b: '900000', c: 7, d: '120000', e: 33, f: true, g: null },
  switches: [
    { scope: 'global', engaged: true, reason: 'market halt', changed_at: changedAt },
    { scope: 'user', engaged: true, reason: 'cooling off', changed_at: changedAt },
    { scope: 'strategy', engaged: true, reason: 'paused', changed_at: changedAt },
  ],
  open_orders: [
    { account_id: A, symbol: 'RELIANCE', product: 'CNC', side: 'BUY', remaining: 10 },
    { account_id: B, symbol: 'TCS', product: 'MIS', side: 'SELL', remaining: 3 },
    { account_id: A, symbol: 'INFY', product: 'MIS', side: 'SELL', remaining: 4 },
  ],
  positions: [],
  recent: [String(NOW - 30_000), String(NOW - 10_000)],
  // Realized today, tick units (100 per paisa): ₹12.34 = 1234 paise.
  realized: '123400',
  ...over,
});

const position = (accountId: string, symbol: string, product: 'CNC' | 'MIS', netQuantity: number) => ({
  ...toPosition({
    symbol,
    product,
    net_quantity: netQuantity,
    lot_cost_tick_units: String(netQuantity * 1000 * 10_000),
    lot_quantity: Math.abs(netQuantity),
    lot_closed_quantity: 0,
    lot_closed_cash_flow_tick_units: '0',
    realized_before_lot_tick_units: '0',
  }),
  accountId,
  symbol,
  product,
});

const positions: Positions = [position(A, 'RELIANCE', 'CNC', 5), position(B, 'RELIANCE', 'CNC', -2), position(B, 'SBIN', 'MIS', 8)];
const quotes: Quotes = new Map([
  ['RELIANCE', ['RELIANCE', NOW - 100, 14_000_000, 13_999_000, 14_001_000, 1000, 13_900_000, 9]],
  ['TCS', ['TCS', NOW - 100, 38_000_000, 37_999_000, 38_001_000, 50, 38_100_000, 3]],
]);

// Unrealized P&L now, tick units: −₹5.00 = −500 paise.
const view = (over: Partial<Row> = {}, strategyId: string | null = 'strat-1') =>
  new IntakeView(row(over), strategyId, positions, quotes, -50_000n, NOW);

const sortOrders = <T extends { symbol: string; side: string; remainingQuantity: number }>(xs: T[]) =>
  [...xs].sort((x, y) => `${x.symbol}|${x.side}|${x.remainingQuantity}`.localeCompare(`${y.symbol}|${y.side}|${y.remainingQuantity}`));

describe('IntakeView.state', () => {
  it("filters open orders and positions to the order's account", () => {
    const v = view();
    const a = v.state('RELIANCE', A).snapshot;
    expect(sortOrders(a.openOrders)).toEqual([
      { symbol: 'INFY', product: 'MIS', side: 'SELL', remainingQuantity: 4 },
      { symbol: 'RELIANCE', product: 'CNC', side: 'BUY', remainingQuantity: 10 },
    ]);
    expect(a.positions).toEqual([{ symbol: 'RELIANCE', product: 'CNC', netQuantity: 5 }]);

    const b = v.state('RELIANCE', B).snapshot;
    expect(b.openOrders).toEqual([{ symbol: 'TCS', product: 'MIS', side: 'SELL', remainingQuantity: 3 }]);
    expect(b.positions).toEqual([
      { symbol: 'RELIANCE', product: 'CNC', netQuantity: -2 },
      { symbol: 'SBIN', product: 'MIS', netQuantity: 8 },
    ]);

    // An account with nothing of its own sees nothing of the others'.
    const c = v.state('RELIANCE', C).snapshot;
    expect(c.openOrders).toEqual([]);
    expect(c.positions).toEqual([]);
  });

  it('with a null account is the whole picture, every account', () => {
    const all = view().state('TCS', null).snapshot;
    expect(all.openOrders).toHaveLength(3);
    expect(sortOrders(all.openOrders).map((o) => o.symbol)).toEqual(['INFY', 'RELIANCE', 'TCS']);
    expect(all.positions.map((p) => p.netQuantity).sort((x, y) => x - y)).toEqual([-2, 5, 8]);
  });

  it('reports the limits, the switches that apply, the LTP of the symbol and the day P&L (realized + unrealized, in paise)', () => {
    const s = view().state('TCS', A);
    expect(s.limits).toEqual({
      maxOrderValue: 500_000n,
      maxPositionValue: 900_000n,
      maxOpenOrders: 7,
      maxDailyLoss: 120_000n,
      maxOrdersPerMinute: 33,
      maxDrawdown: null,
      squareOffOnTrip: true,
    });
    expect(s.switches).toEqual({
      global: { scope: 'global', engaged: true, reason: 'market halt', changed_at: changedAt },
      user: { scope: 'user', engaged: true, reason: 'cooling off', changed_at: changedAt },
      strategy: { scope: 'strategy', engaged: true, reason: 'paused', changed_at: changedAt },
    });
    expect(s.ltp).toBe(38_000_000);
    expect(view().state('RELIANCE', B).ltp).toBe(14_000_000);
    // 1234 paise realized − 500 paise unrealized.
    expect(s.snapshot.dayPnl).toBe(734n);
    expect(s.snapshot.recentOrderTimes).toEqual([NOW - 30_000, NOW - 10_000]);
  });

  it('an unknown quote is a null LTP; no limits row is the defaults; a missing switch is off; no strategy, no strategy switch', () => {
    const v = view({ limits: null, switches: [{ scope: 'user', engaged: true, reason: null, changed_at: changedAt }] }, null);
    const s = v.state('NOSUCH', null);
    expect(s.ltp).toBeNull();
    expect(s.limits).toEqual(DEFAULT_RISK_LIMITS);
    expect(s.switches).toEqual({
      global: { engaged: false, reason: null, changed_at: null },
      user: { scope: 'user', engaged: true, reason: null, changed_at: changedAt },
      strategy: null,
    });
  });
});

describe('IntakeView.placed', () => {
  it("adds an open order for its whole quantity on its account, and one order time (now) to the user's rate", () => {
    const v = view();
    const beforeA = v.state('SBIN', A);
    const beforeB = v.state('SBIN', B);
    v.placed({ accountId: A, symbol: 'SBIN', product: 'MIS', side: 'BUY', quantity: 25 });

    const afterA = v.state('SBIN', A);
    expect(sortOrders(afterA.snapshot.openOrders)).toEqual(
      sortOrders([...beforeA.snapshot.openOrders, { symbol: 'SBIN', product: 'MIS', side: 'BUY', remainingQuantity: 25 }]),
    );
    expect(afterA.snapshot.recentOrderTimes).toEqual([...beforeA.snapshot.recentOrderTimes, NOW]);
    // Positions, P&L, limits, switches and marks change only on fills and admin actions.
    expect({ ...afterA, snapshot: { ...afterA.snapshot, openOrders: [], recentOrderTimes: [] } }).toEqual({
      ...beforeA,
      snapshot: { ...beforeA.snapshot, openOrders: [], recentOrderTimes: [] },
    });

    // Another account: its orders and positions are untouched; only the user-wide rate moved.
    const afterB = v.state('SBIN', B);
    expect(afterB.snapshot.openOrders).toEqual(beforeB.snapshot.openOrders);
    expect(afterB.snapshot.positions).toEqual(beforeB.snapshot.positions);
    expect(afterB.snapshot.recentOrderTimes).toEqual([...beforeB.snapshot.recentOrderTimes, NOW]);
    expect(afterB.snapshot.dayPnl).toBe(beforeB.snapshot.dayPnl);

    // The whole picture has it once.
    expect(v.state('SBIN', null).snapshot.openOrders).toHaveLength(4);
  });

  it('folds several orders, each on its own account, and counts every one in the rate', () => {
    const v = view({ open_orders: [], recent: [] });
    v.placed({ accountId: A, symbol: 'RELIANCE', product: 'CNC', side: 'BUY', quantity: 1 });
    v.placed({ accountId: B, symbol: 'RELIANCE', product: 'CNC', side: 'BUY', quantity: 2 });
    v.placed({ accountId: C, symbol: 'RELIANCE', product: 'CNC', side: 'SELL', quantity: 3 });
    expect(v.state('RELIANCE', A).snapshot.openOrders).toEqual([{ symbol: 'RELIANCE', product: 'CNC', side: 'BUY', remainingQuantity: 1 }]);
    expect(v.state('RELIANCE', B).snapshot.openOrders).toEqual([{ symbol: 'RELIANCE', product: 'CNC', side: 'BUY', remainingQuantity: 2 }]);
    expect(v.state('RELIANCE', C).snapshot.openOrders).toEqual([
      { symbol: 'RELIANCE', product: 'CNC', side: 'SELL', remainingQuantity: 3 },
    ]);
    for (const acc of [A, B, C, null]) expect(v.state('RELIANCE', acc).snapshot.recentOrderTimes).toEqual([NOW, NOW, NOW]);
  });

  it('does not change a state already handed out, nor the row it was built from', () => {
    const r = row();
    const v = new IntakeView(r, null, positions, quotes, 0n, NOW);
    const before = v.state('RELIANCE', A);
    const handedOut = structuredClone(before.snapshot);
    v.placed({ accountId: A, symbol: 'RELIANCE', product: 'CNC', side: 'BUY', quantity: 9 });
    expect(before.snapshot).toEqual(handedOut);
    expect(r.open_orders).toHaveLength(3);
    expect(r.recent).toHaveLength(2);
  });
});
