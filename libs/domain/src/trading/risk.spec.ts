import { DomainError } from '../errors';
import {
  assertPreTradeRisk,
  checkPreTradeRisk,
  decideAutomaticTrip,
  isExposureReducing,
  peakOf,
  percent,
  RISK_RULES,
  type KillSwitches,
  type RiskLimits,
  type RiskMarket,
  type RiskOrder,
  type RiskState,
} from '.';

const rs = (r: number) => Math.round(r * 10_000);
const paise = (rupees: number) => BigInt(Math.round(rupees * 100));

const LIMITS: RiskLimits = {
  maxOrderValue: paise(500_000),
  maxPositionValue: paise(1_000_000),
  maxOpenOrders: 3,
  maxDailyLoss: paise(10_000),
  maxOrdersPerMinute: 5,
};
const NOW = 1_763_800_000_000;
const EMPTY: RiskState = { openOrders: [], positions: [], dayPnl: 0n, recentOrderTimes: [], now: NOW };
const OFF: KillSwitches = { global: { engaged: false }, user: { engaged: false } };
const MARKET: RiskMarket = { ltp: rs(1420), lotSize: 1 };
const order = (o: Partial<RiskOrder> = {}): RiskOrder => ({
  symbol: 'RELIANCE',
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  quantity: 100,
  price: rs(1420),
  triggerPrice: null,
  ...o,
});
const long = (netQuantity: number, product: 'MIS' | 'CNC' = 'MIS') => ({ symbol: 'RELIANCE', product, netQuantity });
const openOrder = (side: 'BUY' | 'SELL', remainingQuantity: number, symbol = 'RELIANCE') => ({
  symbol,
  product: 'MIS' as const,
  side,
  remainingQuantity,
});

const check = (
  o: RiskOrder,
  state: Partial<RiskState> = {},
  switches: KillSwitches = OFF,
  limits: RiskLimits = LIMITS,
  market: RiskMarket = MARKET,
) => checkPreTradeRisk(o, limits, { ...EMPTY, ...state }, switches, market);
const ruleOf = (d: ReturnType<typeof checkPreTradeRisk>) => (d.ok ? 'OK' : d.rule);

describe('pre-trade risk: each rule', () => {
  it('passes an ordinary order', () => {
    expect(check(order())).toEqual({ ok: true, reducing: false });
  });

  it('kill switches: global, user, strategy → KILL_SWITCH_ENGAGED', () => {
    const g = check(order(), {}, { ...OFF, global: { engaged: true, reason: 'exchange outage' } });
    expect(g).toMatchObject({ ok: false, rule: 'KILL_SWITCH_GLOBAL', code: 'KILL_SWITCH_ENGAGED', details: { reason: 'exchange outage' } });
    expect(ruleOf(check(order(), {}, { ...OFF, user: { engaged: true } }))).toBe('KILL_SWITCH_USER');
    const strat = { ...OFF, strategy: { engaged: true, reason: 'drawdown' } };
    expect(ruleOf(check(order({ strategyId: 's-1' }), {}, strat))).toBe('KILL_SWITCH_STRATEGY');
    // A person's order is not stopped by a strategy's switch.
    expect(ruleOf(check(order(), {}, strat))).toBe('OK');
  });

  it('max order value, at the limit passes', () => {
    // 400 × ₹1,420 = ₹5,68,000 > ₹5,00,000.
    expect(check(order({ quantity: 400 }))).toMatchObject({
      ok: false,
      rule: 'MAX_ORDER_VALUE',
      code: 'RISK_REJECTED',
      details: { value: '568000.00', limit: '500000.00' },
    });
    expect(ruleOf(check(order({ quantity: 400 }), {}, OFF, { ...LIMITS, maxOrderValue: paise(568_000) }))).toBe('OK');
    // MARKET orders are valued at the LTP, SL-M at the trigger.
    expect(ruleOf(check(order({ type: 'MARKET', price: null, quantity: 352 })))).toBe('OK');
    expect(ruleOf(check(order({ type: 'MARKET', price: null, quantity: 353 })))).toBe('MAX_ORDER_VALUE');
    expect(ruleOf(check(order({ type: 'SL-M', price: null, triggerPrice: rs(2000), quantity: 251 })))).toBe('MAX_ORDER_VALUE');
  });

  it('max open orders', () => {
    const three = [openOrder('BUY', 1, 'TCS'), openOrder('BUY', 1, 'INFY'), openOrder('SELL', 1, 'ITC')];
    expect(ruleOf(check(order(), { openOrders: three.slice(0, 2) }))).toBe('OK');
    expect(check(order(), { openOrders: three })).toMatchObject({ ok: false, rule: 'MAX_OPEN_ORDERS', details: { open: 3, limit: 3 } });
  });

  it('max position value per symbol counts the position, open orders on the same side, and every product', () => {
    // 600 long + 200 more = 800 × ₹1,420 = ₹11,36,000 > ₹10,00,000.
    expect(check(order({ quantity: 200 }), { positions: [long(600)] })).toMatchObject({
      ok: false,
      rule: 'MAX_POSITION_VALUE',
      details: { projectedQuantity: 800 },
    });
    expect(ruleOf(check(order({ quantity: 200 }), { openOrders: [openOrder('BUY', 600)] }))).toBe('MAX_POSITION_VALUE');
    expect(ruleOf(check(order({ quantity: 100 }), { positions: [long(400, 'CNC'), long(300)] }))).toBe('MAX_POSITION_VALUE');
    // Open orders on the other side do not offset (they may never fill); other symbols do not count.
    expect(ruleOf(check(order({ quantity: 200 }), { openOrders: [openOrder('SELL', 300), openOrder('BUY', 600, 'TCS')] }))).toBe('OK');
    // A short is exposure too: short 700, sell 100 more.
    expect(ruleOf(check(order({ side: 'SELL', quantity: 100 }), { positions: [long(-700)] }))).toBe('MAX_POSITION_VALUE');
  });

  it('max orders per minute, with the wait until a slot frees', () => {
    const times = [NOW - 50_000, NOW - 40_000, NOW - 30_000, NOW - 20_000, NOW - 10_000];
    const d = check(order(), { recentOrderTimes: times });
    expect(d).toMatchObject({ ok: false, rule: 'MAX_ORDERS_PER_MINUTE', retryAfterSeconds: 10 });
    // Orders older than a minute do not count.
    expect(ruleOf(check(order(), { recentOrderTimes: [NOW - 60_000, ...times.slice(1)] }))).toBe('OK');
  });

  it('max daily loss: a loss that has reached the limit', () => {
    expect(check(order(), { dayPnl: -paise(10_000) })).toMatchObject({
      ok: false,
      rule: 'MAX_DAILY_LOSS',
      details: { dayPnl: '-10000.00', limit: '10000.00' },
    });
    expect(ruleOf(check(order(), { dayPnl: -paise(9_999.99) }))).toBe('OK');
    expect(ruleOf(check(order(), { dayPnl: paise(50_000) }))).toBe('OK');
    // A zero limit forbids any loss, but a flat day is not a loss.
    expect(ruleOf(check(order(), {}, OFF, { ...LIMITS, maxDailyLoss: 0n }))).toBe('OK');
    expect(ruleOf(check(order(), { dayPnl: -1n }, OFF, { ...LIMITS, maxDailyLoss: 0n }))).toBe('MAX_DAILY_LOSS');
  });

  it('price band: a LIMIT more than 10 % from the LTP', () => {
    // 1,420 × 1.10 = 1,562.00 is on the band; 1,562.05 is outside. Same below: 1,278.00 / 1,277.95.
    const q = { quantity: 1 };
    expect(ruleOf(check(order({ ...q, price: rs(1562) })))).toBe('OK');
    expect(check(order({ ...q, price: rs(1562.05) }))).toMatchObject({
      ok: false,
      rule: 'PRICE_BAND',
      message: 'Limit 1562.05 is more than 10 % from the last traded price 1420.00',
    });
    expect(ruleOf(check(order({ ...q, side: 'SELL', price: rs(1278) })))).toBe('OK');
    expect(ruleOf(check(order({ ...q, side: 'SELL', price: rs(1277.95) })))).toBe('PRICE_BAND');
    // Only LIMIT orders: a stop's limit is measured from its trigger, not the LTP.
    expect(ruleOf(check(order({ ...q, type: 'SL', price: rs(1700), triggerPrice: rs(1690) })))).toBe('OK');
    const narrow = checkPreTradeRisk(order({ ...q, price: rs(1450) }), LIMITS, EMPTY, OFF, MARKET, { priceBand: percent('2') });
    expect(ruleOf(narrow)).toBe('PRICE_BAND');
  });

  it('lot size', () => {
    expect(
      ruleOf(
        check(
          order({ quantity: 100, price: rs(25_950) }),
          {},
          OFF,
          { ...LIMITS, maxOrderValue: null, maxPositionValue: null },
          { ltp: rs(25_950), lotSize: 65 },
        ),
      ),
    ).toBe('LOT_SIZE');
    expect(
      ruleOf(
        check(
          order({ quantity: 130, price: rs(25_950) }),
          {},
          OFF,
          { ...LIMITS, maxOrderValue: null, maxPositionValue: null },
          { ltp: rs(25_950), lotSize: 65 },
        ),
      ),
    ).toBe('OK');
  });

  it('null limits are no limits', () => {
    const none: RiskLimits = {
      maxOrderValue: null,
      maxPositionValue: null,
      maxOpenOrders: null,
      maxDailyLoss: null,
      maxOrdersPerMinute: null,
    };
    const busy: Partial<RiskState> = {
      positions: [long(10_000)],
      openOrders: Array.from({ length: 50 }, () => openOrder('BUY', 1)),
      dayPnl: -paise(1e9),
      recentOrderTimes: Array(100).fill(NOW),
    };
    expect(ruleOf(check(order({ quantity: 100_000 }), busy, OFF, none))).toBe('OK');
  });
});

describe('pre-trade risk: order of the rules', () => {
  it('runs in docs/domain.md order and names the first failure', () => {
    expect(RISK_RULES).toEqual([
      'KILL_SWITCH_GLOBAL',
      'KILL_SWITCH_USER',
      'KILL_SWITCH_STRATEGY',
      'MAX_ORDER_VALUE',
      'MAX_OPEN_ORDERS',
      'MAX_POSITION_VALUE',
      'MAX_ORDERS_PER_MINUTE',
      'MAX_DAILY_LOSS',
      'PRICE_BAND',
      'LOT_SIZE',
    ]);
    // An order breaking everything, with each rule lifted in turn, reports the next one.
    const all: Partial<RiskState> = {
      positions: [long(1_000)],
      openOrders: [openOrder('BUY', 1), openOrder('BUY', 1), openOrder('BUY', 1)],
      dayPnl: -paise(20_000),
      recentOrderTimes: Array(5).fill(NOW - 1),
    };
    const bad = order({ quantity: 400, price: rs(2000) });
    const fut: RiskMarket = { ltp: rs(1420), lotSize: 65 };
    const seen: string[] = [];
    let limits = LIMITS;
    let switches: KillSwitches = { global: { engaged: true }, user: { engaged: true }, strategy: { engaged: true } };
    const o = { ...bad, strategyId: 's-1' };
    for (;;) {
      const d = check(o, all, switches, limits, fut);
      if (d.ok) break;
      seen.push(d.rule);
      if (d.rule === 'KILL_SWITCH_GLOBAL') switches = { ...switches, global: { engaged: false } };
      else if (d.rule === 'KILL_SWITCH_USER') switches = { ...switches, user: { engaged: false } };
      else if (d.rule === 'KILL_SWITCH_STRATEGY') switches = { ...switches, strategy: null };
      else if (d.rule === 'MAX_ORDER_VALUE') limits = { ...limits, maxOrderValue: null };
      else if (d.rule === 'MAX_OPEN_ORDERS') limits = { ...limits, maxOpenOrders: null };
      else if (d.rule === 'MAX_POSITION_VALUE') limits = { ...limits, maxPositionValue: null };
      else if (d.rule === 'MAX_ORDERS_PER_MINUTE') limits = { ...limits, maxOrdersPerMinute: null };
      else if (d.rule === 'MAX_DAILY_LOSS') limits = { ...limits, maxDailyLoss: null };
      else if (d.rule === 'PRICE_BAND') o.price = rs(1420);
      else if (d.rule === 'LOT_SIZE') o.quantity = 390;
    }
    expect(seen).toEqual(RISK_RULES);
  });
});

describe('square-off always works', () => {
  const pos = { positions: [long(1_000)] };
  it('an order that only reduces a position is exposure-reducing', () => {
    expect(isExposureReducing(order({ side: 'SELL', quantity: 1_000 }), { ...EMPTY, ...pos })).toBe(true);
    expect(isExposureReducing(order({ side: 'SELL', quantity: 1_001 }), { ...EMPTY, ...pos })).toBe(false); // would flip
    expect(isExposureReducing(order({ side: 'BUY', quantity: 1 }), { ...EMPTY, ...pos })).toBe(false);
    expect(isExposureReducing(order({ side: 'SELL', quantity: 1, product: 'CNC' }), { ...EMPTY, ...pos })).toBe(false); // another product's position
    expect(isExposureReducing(order({ side: 'SELL', quantity: 1 }), EMPTY)).toBe(false);
    expect(isExposureReducing(order({ side: 'BUY', quantity: 300 }), { ...EMPTY, positions: [long(-300)] })).toBe(true);
    // Sells already working count: 600 open + 500 more would flip.
    expect(isExposureReducing(order({ side: 'SELL', quantity: 500 }), { ...EMPTY, ...pos, openOrders: [openOrder('SELL', 600)] })).toBe(
      false,
    );
    expect(isExposureReducing(order({ side: 'SELL', quantity: 400 }), { ...EMPTY, ...pos, openOrders: [openOrder('SELL', 600)] })).toBe(
      true,
    );
  });

  it('passes every kill switch and the exposure and loss limits', () => {
    const everything: KillSwitches = { global: { engaged: true }, user: { engaged: true }, strategy: { engaged: true } };
    const state: Partial<RiskState> = {
      ...pos,
      openOrders: [openOrder('BUY', 1, 'TCS'), openOrder('BUY', 1, 'TCS'), openOrder('BUY', 1, 'TCS')],
      dayPnl: -paise(50_000),
    };
    // ₹14,20,000 order, ₹14,20,000 position, 3 open orders, loss beyond the limit, all switches on.
    expect(check(order({ side: 'SELL', quantity: 1_000, strategyId: 's-1' }), state, everything)).toEqual({ ok: true, reducing: true });
    expect(check(order({ side: 'SELL', type: 'MARKET', price: null, quantity: 1_000 }), state, everything)).toEqual({
      ok: true,
      reducing: true,
    });
    // One unit more would open a short: refused like any new exposure.
    expect(ruleOf(check(order({ side: 'SELL', quantity: 1_001 }), state, everything))).toBe('KILL_SWITCH_GLOBAL');
  });

  it('still meets the rate limit, price band and lot size', () => {
    expect(ruleOf(check(order({ side: 'SELL', quantity: 10 }), { ...pos, recentOrderTimes: Array(5).fill(NOW) }))).toBe(
      'MAX_ORDERS_PER_MINUTE',
    );
    expect(ruleOf(check(order({ side: 'SELL', quantity: 10, price: rs(1000) }), pos))).toBe('PRICE_BAND');
  });
});

describe('errors', () => {
  it('assertPreTradeRisk throws the decision as a DomainError', () => {
    expect(assertPreTradeRisk(order(), LIMITS, EMPTY, OFF, MARKET)).toEqual({ reducing: false });
    try {
      assertPreTradeRisk(order(), LIMITS, { ...EMPTY, recentOrderTimes: Array(5).fill(NOW - 30_000) }, OFF, MARKET);
      expect.unreachable();
    } catch (e) {
      const d = e as DomainError;
      expect(d).toBeInstanceOf(DomainError);
      expect(d.code).toBe('RISK_REJECTED');
      expect(d.message).toMatch(/^MAX_ORDERS_PER_MINUTE: /);
      expect(d.options.retryAfterSeconds).toBe(30);
      expect(d.options.context).toMatchObject({ rule: 'MAX_ORDERS_PER_MINUTE', recent: 5, limit: 5 });
    }
    expect(() => assertPreTradeRisk(order(), LIMITS, EMPTY, { ...OFF, user: { engaged: true } }, MARKET)).toThrow(
      expect.objectContaining({ code: 'KILL_SWITCH_ENGAGED' }),
    );
  });
});

describe('automatic trips', () => {
  const limits = { maxDailyLoss: paise(10_000), maxDrawdown: paise(25_000) };
  it('a daily-loss breach engages the user switch once', () => {
    expect(decideAutomaticTrip({ dayPnl: -paise(10_000), limits, userSwitch: { engaged: false } })).toEqual({
      trip: true,
      rule: 'MAX_DAILY_LOSS',
      reason: 'Daily loss ₹10000.00 reached the limit of ₹10000.00',
    });
    expect(decideAutomaticTrip({ dayPnl: -paise(9_999), limits, userSwitch: { engaged: false } })).toEqual({ trip: false });
    expect(decideAutomaticTrip({ dayPnl: -paise(20_000), limits, userSwitch: { engaged: true } })).toEqual({ trip: false });
  });
  it("a drawdown from today's best P&L trips when configured, at the limit and not before", () => {
    const off = { engaged: false };
    // Up ₹1,00,000 at best, now up ₹75,000: ₹25,000 given back.
    expect(decideAutomaticTrip({ dayPnl: paise(75_000), peakDayPnl: paise(100_000), limits, userSwitch: off })).toEqual({
      trip: true,
      rule: 'MAX_DRAWDOWN',
      reason: "Drawdown ₹25000.00 from today's best P&L reached the limit of ₹25000.00",
    });
    expect(decideAutomaticTrip({ dayPnl: paise(75_001), peakDayPnl: paise(100_000), limits, userSwitch: off })).toEqual({ trip: false });
    // The peak never falls below zero (the day starts flat) and rises with the P&L itself.
    expect(
      decideAutomaticTrip({
        dayPnl: -paise(5_000),
        peakDayPnl: 0n,
        limits: { maxDailyLoss: null, maxDrawdown: paise(5_000) },
        userSwitch: off,
      }),
    ).toMatchObject({ trip: true, rule: 'MAX_DRAWDOWN' });
    expect(decideAutomaticTrip({ dayPnl: paise(200_000), peakDayPnl: paise(100_000), limits, userSwitch: off })).toEqual({ trip: false });
    // Not configured, no peak known, or the switch already engaged: no trip.
    expect(decideAutomaticTrip({ dayPnl: 0n, peakDayPnl: paise(100_000), limits: { maxDailyLoss: null }, userSwitch: off })).toEqual({
      trip: false,
    });
    expect(decideAutomaticTrip({ dayPnl: 0n, limits, userSwitch: off })).toEqual({ trip: false });
    expect(decideAutomaticTrip({ dayPnl: 0n, peakDayPnl: paise(100_000), limits, userSwitch: { engaged: true } })).toEqual({ trip: false });
  });
  it('daily loss is checked before drawdown (its name is the one reported)', () => {
    expect(decideAutomaticTrip({ dayPnl: -paise(30_000), peakDayPnl: 0n, limits, userSwitch: { engaged: false } })).toMatchObject({
      rule: 'MAX_DAILY_LOSS',
    });
  });
  it('the day peak only rises and starts at zero', () => {
    expect(peakOf(0n, -paise(10))).toBe(0n);
    expect(peakOf(paise(50), paise(20))).toBe(paise(50));
    expect(peakOf(paise(50), paise(70))).toBe(paise(70));
  });
});
