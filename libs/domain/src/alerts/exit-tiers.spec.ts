import {
  DEFAULT_EXIT_TIER_CONFIG,
  evaluateExitTiers,
  EXIT_TIER_RULES,
  exitTierPlan,
  percentOfTicks,
  validateExitTierConfig,
  type ExitStatus,
  type ExitTick,
  type ExitTierConfig,
  type ExitTierRule,
} from './exit-tiers';
import { blackScholesGreeks } from './greeks';
import type { LegSide } from '../watchlist/exits';
import type { Instrument } from '../market/instruments';
import { EQUITY, ist, MONDAY, NIFTY_CE, NIFTY_PE } from './engines.fixture';

const OFF: ExitTierConfig = {
  fillTimeoutMs: 30_000,
  staleTickMs: 10_000,
  stopLossPct: null,
  maxHoldingMinutes: null,
  minDaysToExpiry: null,
  targetPct: null,
  minAbsDelta: null,
  minGamma: null,
  minThetaPctPerDay: null,
  minVega: null,
  rate: 0.065,
};
const ENTRY = 25_000_000; // ₹2,500
const OPENED = ist(MONDAY, '10:00');
const NOW = ist(MONDAY, '10:30');

const plan = (over: Partial<ExitTierConfig> = {}, side: LegSide = 'LONG', instrument: Instrument = EQUITY, entry = ENTRY) =>
  exitTierPlan({ side, entry, openedAt: OPENED, instrument }, { ...OFF, ...over });
const tick = (ltp: number, over: Partial<ExitTick> = {}): ExitTick => ({ ts: NOW, ltp, underlying: null, iv: null, ...over });
const status = (over: Partial<ExitStatus> = {}): ExitStatus => ({ now: NOW, brokerRejection: null, awaitingFillSince: null, ...over });
const ruleOf = (p: ReturnType<typeof plan>, t: ExitTick, s: ExitStatus = status()): ExitTierRule | null =>
  evaluateExitTiers(p, t, s)?.rule ?? null;

describe('percentOfTicks: entry × pct / 100 in whole ticks, half up, at least 1', () => {
  it.each([
    [25_000_000, 10, 2_500_000],
    [12_345, 10, 1_235], // 1234.5 → 1235
    [12_344, 10, 1_234], // 1234.4 → 1234
    [12_355, 10, 1_236], // 1235.5 → 1236
    [33_333, 33.33, 11_110], // 11109.9889 → 11110
    [1, 25, 1], // 0.25 → 0 → at least 1
    [999_999_999_999, 100, 999_999_999_999], // exact beyond 2^53 in the product
  ])('%i ticks × %s %% → %i', (entry, pct, ticks) => expect(percentOfTicks(entry, pct)).toBe(ticks));
});

describe('exitTierPlan', () => {
  it('puts the stop below and the target above a long, mirrored for a short', () => {
    const long = plan({ stopLossPct: 10, targetPct: 20 });
    expect([long.stop, long.target, long.dir]).toEqual([22_500_000, 30_000_000, 1]);
    const short = plan({ stopLossPct: 10, targetPct: 20 }, 'SHORT');
    expect([short.stop, short.target, short.dir]).toEqual([27_500_000, 20_000_000, -1]);
  });

  it('turns off what is null', () => {
    const p = plan();
    expect([p.stop, p.target, p.holdUntil, p.expiryCutoff, p.greeksOn]).toEqual([null, null, null, null, false]);
  });

  it('times: holding limit from the open, expiry cutoff from 15:30 IST of the expiry day', () => {
    const p = plan({ maxHoldingMinutes: 60, minDaysToExpiry: 0.5, minAbsDelta: 0.1 }, 'LONG', NIFTY_CE);
    expect(p.holdUntil).toBe(ist(MONDAY, '11:00'));
    expect(p.expiryClose).toBe(ist('2026-12-08', '15:30'));
    expect(p.expiryCutoff).toBe(ist('2026-12-08', '03:30'));
    expect(p.option).toEqual({ kind: 'CE', strike: 26_000 });
    expect(p.greeksOn).toBe(true);
    expect(plan({ minDaysToExpiry: 0.5, minAbsDelta: 0.1 }).expiryCutoff).toBeNull();
    expect(plan({ minAbsDelta: 0.1 }).greeksOn).toBe(false);
  });

  it('refuses a bad entry or an unreadable expiry', () => {
    expect(() => plan({}, 'LONG', EQUITY, 0)).toThrow(RangeError);
    expect(() => plan({}, 'LONG', EQUITY, 1.5)).toThrow(RangeError);
    expect(() => plan({}, 'LONG', { ...NIFTY_CE, expiry: 'tomorrow' })).toThrow(RangeError);
  });
});

describe('tier 1: hard fail (close and flag)', () => {
  it('BROKER_REJECTION', () => {
    expect(evaluateExitTiers(plan(), tick(ENTRY), status({ brokerRejection: 'margin exceeds' }))).toEqual({
      tier: 1,
      rule: 'BROKER_REJECTION',
      reason: 'the broker rejected the order: margin exceeds',
      flag: true,
    });
  });

  it('MISSING_FILL at the timeout, not before; nothing else is judged while waiting', () => {
    const p = plan({ stopLossPct: 10 });
    expect(ruleOf(p, tick(1), status({ awaitingFillSince: NOW - 30_000 }))).toBe('MISSING_FILL');
    expect(ruleOf(p, tick(1), status({ awaitingFillSince: NOW - 29_999 }))).toBeNull();
    expect(evaluateExitTiers(p, tick(1), status({ awaitingFillSince: NOW - 30_000 }))?.flag).toBe(true);
  });

  it.each([
    ['a zero LTP', tick(0)],
    ['a negative LTP', tick(-5)],
    ['a fractional LTP', tick(100.5)],
    ['a NaN LTP', tick(NaN)],
    ['an infinite LTP', tick(Infinity)],
    ['a zero underlying', tick(ENTRY, { underlying: 0 })],
    ['a NaN underlying', tick(ENTRY, { underlying: NaN })],
    ['a NaN IV', tick(ENTRY, { iv: NaN })],
    ['a negative IV', tick(ENTRY, { iv: -0.1 })],
  ])('DATA_CORRUPTION on %s', (_name, t) => {
    const e = evaluateExitTiers(plan(), t, status());
    expect(e).toMatchObject({ tier: 1, rule: 'DATA_CORRUPTION', flag: true });
  });

  it('STALE_TICK when older than staleTickMs, not at it', () => {
    expect(ruleOf(plan(), tick(ENTRY, { ts: NOW - 10_000 }))).toBeNull();
    expect(ruleOf(plan(), tick(ENTRY, { ts: NOW - 10_001 }))).toBe('STALE_TICK');
    expect(ruleOf(plan(), tick(ENTRY, { ts: NaN }))).toBe('STALE_TICK');
    // A tick from the future is not stale.
    expect(ruleOf(plan(), tick(ENTRY, { ts: NOW + 5_000 }))).toBeNull();
  });
});

describe('tier 2: protection', () => {
  it('STOP_LOSS at or through the stop, long and short mirrored', () => {
    const long = plan({ stopLossPct: 10 });
    expect(ruleOf(long, tick(22_500_001))).toBeNull();
    expect(evaluateExitTiers(long, tick(22_500_000), status())).toEqual({
      tier: 2,
      rule: 'STOP_LOSS',
      reason: 'LTP 2250.00 reached the stop 2250.00 (10 % of 2500.00)',
      flag: false,
    });
    expect(ruleOf(long, tick(1))).toBe('STOP_LOSS');
    const short = plan({ stopLossPct: 10 }, 'SHORT');
    expect(ruleOf(short, tick(27_499_999))).toBeNull();
    expect(ruleOf(short, tick(27_500_000))).toBe('STOP_LOSS');
    expect(ruleOf(short, tick(22_500_000))).toBeNull();
  });

  it('MAX_HOLDING_TIME at the limit, not a millisecond before', () => {
    const p = plan({ maxHoldingMinutes: 60 });
    const end = ist(MONDAY, '11:00');
    expect(ruleOf(p, tick(ENTRY, { ts: end - 1 }), status({ now: end - 1 }))).toBeNull();
    expect(ruleOf(p, tick(ENTRY, { ts: end }), status({ now: end }))).toBe('MAX_HOLDING_TIME');
  });

  it('MIN_DAYS_TO_EXPIRY when fewer days remain, not exactly the minimum; cash instruments never', () => {
    const cutoff = ist('2026-12-08', '03:30');
    for (const inst of [NIFTY_CE, NIFTY_PE, { ...NIFTY_CE, instrumentType: 'FUT' as const, strike: undefined }]) {
      const p = plan({ minDaysToExpiry: 0.5 }, 'LONG', inst);
      expect(ruleOf(p, tick(ENTRY, { ts: cutoff }), status({ now: cutoff }))).toBeNull();
      expect(ruleOf(p, tick(ENTRY, { ts: cutoff + 1 }), status({ now: cutoff + 1 }))).toBe('MIN_DAYS_TO_EXPIRY');
    }
    expect(ruleOf(plan({ minDaysToExpiry: 0.5 }), tick(ENTRY, { ts: cutoff + 1 }), status({ now: cutoff + 1 }))).toBeNull();
  });
});

describe('tier 3: profit', () => {
  it('TARGET at or through the target, long and short mirrored', () => {
    const long = plan({ targetPct: 20 });
    expect(ruleOf(long, tick(29_999_999))).toBeNull();
    expect(evaluateExitTiers(long, tick(30_000_000), status())).toEqual({
      tier: 3,
      rule: 'TARGET',
      reason: 'LTP 3000.00 reached the target 3000.00 (20 % of 2500.00)',
      flag: false,
    });
    const short = plan({ targetPct: 20 }, 'SHORT');
    expect(ruleOf(short, tick(20_000_001))).toBeNull();
    expect(ruleOf(short, tick(20_000_000))).toBe('TARGET');
    expect(ruleOf(short, tick(30_000_000))).toBeNull();
  });

  it('a short target at or below zero is never reached', () => {
    expect(ruleOf(plan({ targetPct: 100 }, 'SHORT'), tick(1))).toBeNull();
  });
});

describe('tier 4: degradation (option greeks)', () => {
  // NIFTY 26000 CE / PE, Monday 10:30 IST, expiry Tuesday 15:30 IST; underlying 25,900, IV 12 %.
  const years = (ist('2026-12-08', '15:30') - NOW) / 86_400_000 / 365;
  const under = 259_000_000;
  const ce = blackScholesGreeks('CE', 25_900, 26_000, years, 0.12, 0.065);
  const pe = blackScholesGreeks('PE', 25_900, 26_000, years, 0.12, 0.065);
  const LTP = 1_000_000; // ₹100
  const t = tick(LTP, { underlying: under, iv: 0.12 });
  const thetaPct = (g: typeof ce, dir: number) => ((dir * g.theta * 10_000) / LTP) * 100;

  it.each([
    ['DELTA', 'minAbsDelta', Math.abs(ce.delta), Math.abs(pe.delta)],
    ['GAMMA', 'minGamma', ce.gamma, pe.gamma],
    ['VEGA', 'minVega', ce.vega, pe.vega],
  ] as const)('%s fires strictly below its threshold, for calls and puts', (rule, key, ceValue, peValue) => {
    for (const [inst, value] of [
      [NIFTY_CE, ceValue],
      [NIFTY_PE, peValue],
    ] as const) {
      for (const side of ['LONG', 'SHORT'] as const) {
        expect(ruleOf(plan({ [key]: value }, side, inst), t)).toBeNull();
        expect(ruleOf(plan({ [key]: value * (1 + 1e-9) }, side, inst), t)).toBe(rule);
      }
    }
  });

  it('THETA reads the position’s carry: a long pays theta, a short earns it', () => {
    const long = thetaPct(ce, 1);
    expect(long).toBeLessThan(0);
    expect(ruleOf(plan({ minThetaPctPerDay: long }, 'LONG', NIFTY_CE), t)).toBeNull();
    expect(ruleOf(plan({ minThetaPctPerDay: long + 1e-9 }, 'LONG', NIFTY_CE), t)).toBe('THETA');
    // The short's carry is positive: a threshold below it never fires, one above it does.
    const short = thetaPct(ce, -1);
    expect(short).toBe(-long);
    expect(ruleOf(plan({ minThetaPctPerDay: -10 }, 'SHORT', NIFTY_CE), t)).toBeNull();
    expect(ruleOf(plan({ minThetaPctPerDay: short }, 'SHORT', NIFTY_CE), t)).toBeNull();
    expect(ruleOf(plan({ minThetaPctPerDay: short + 1e-9 }, 'SHORT', NIFTY_CE), t)).toBe('THETA');
  });

  it('names the greek in the reason', () => {
    expect(evaluateExitTiers(plan({ minAbsDelta: 0.99 }, 'LONG', NIFTY_CE), t, status())).toEqual({
      tier: 4,
      rule: 'DELTA',
      reason: `|delta| ${Math.abs(ce.delta).toFixed(4)} below 0.99`,
      flag: false,
    });
  });

  it('is skipped without the underlying or the IV, and for what is not an option', () => {
    const p = plan({ minAbsDelta: 0.99 }, 'LONG', NIFTY_CE);
    expect(ruleOf(p, tick(LTP, { iv: 0.12 }))).toBeNull();
    expect(ruleOf(p, tick(LTP, { underlying: under }))).toBeNull();
    expect(ruleOf(plan({ minAbsDelta: 0.99 }, 'LONG', EQUITY), t)).toBeNull();
  });

  it('computes into the plan’s scratch object (no allocation per tick)', () => {
    const p = plan({ minAbsDelta: 0.0001 }, 'LONG', NIFTY_CE);
    const scratch = p.scratch;
    expect(ruleOf(p, t)).toBeNull();
    expect(p.scratch).toBe(scratch);
    expect(scratch.delta).toBe(ce.delta);
    expect(scratch.vega).toBe(ce.vega);
  });
});

describe('order of the tiers: the first rule that fires wins', () => {
  // A long deep out-of-the-money call near its expiry, held too long, with every rule set to fire.
  const everything: Partial<ExitTierConfig> = {
    stopLossPct: 10,
    maxHoldingMinutes: 60,
    minDaysToExpiry: 2, // 1.02 days are left at Monday 15:00
    targetPct: 20,
    minAbsDelta: 0.5,
    minGamma: 1,
    minThetaPctPerDay: 0,
    minVega: 1_000,
  };
  const now = ist(MONDAY, '15:00');
  const entry = 1_000_000;
  const fresh = (ltp: number) => tick(ltp, { ts: now, underlying: 250_000_000, iv: 0.12 });
  const st = (over: Partial<ExitStatus> = {}) => status({ now, ...over });

  it('walks down the rules as each one is cleared', () => {
    const p = (over: Partial<ExitTierConfig> = {}) => plan({ ...everything, ...over }, 'LONG', NIFTY_CE, entry);
    const seen: (ExitTierRule | null)[] = [];
    seen.push(ruleOf(p(), tick(0, { ts: now - 60_000 }), st({ brokerRejection: 'x', awaitingFillSince: OPENED })));
    seen.push(ruleOf(p(), tick(0, { ts: now - 60_000 }), st({ awaitingFillSince: OPENED })));
    seen.push(ruleOf(p(), tick(0, { ts: now - 60_000 }), st()));
    seen.push(ruleOf(p(), tick(900_000, { ts: now - 60_000, underlying: 250_000_000, iv: 0.12 }), st()));
    seen.push(ruleOf(p(), fresh(900_000), st()));
    // At the target price the stop no longer fires; holding time, expiry, target and greeks do.
    seen.push(ruleOf(p(), fresh(1_200_000), st()));
    seen.push(ruleOf(p({ maxHoldingMinutes: null }), fresh(1_200_000), st()));
    seen.push(ruleOf(p({ maxHoldingMinutes: null, minDaysToExpiry: null }), fresh(1_200_000), st()));
    const noProfit = { maxHoldingMinutes: null, minDaysToExpiry: null, targetPct: null };
    seen.push(ruleOf(p(noProfit), fresh(1_200_000), st()));
    seen.push(ruleOf(p({ ...noProfit, minAbsDelta: null }), fresh(1_200_000), st()));
    seen.push(ruleOf(p({ ...noProfit, minAbsDelta: null, minGamma: null }), fresh(1_200_000), st()));
    seen.push(ruleOf(p({ ...noProfit, minAbsDelta: null, minGamma: null, minThetaPctPerDay: null }), fresh(1_200_000), st()));
    seen.push(
      ruleOf(p({ ...noProfit, minAbsDelta: null, minGamma: null, minThetaPctPerDay: null, minVega: null }), fresh(1_200_000), st()),
    );
    expect(seen).toEqual([...EXIT_TIER_RULES, null]);
  });

  it('each tier beats every later one', () => {
    const p = plan(everything, 'LONG', NIFTY_CE, entry);
    expect(evaluateExitTiers(p, fresh(1_200_000), st({ brokerRejection: 'x' }))?.tier).toBe(1);
    expect(evaluateExitTiers(p, fresh(1_200_000), st())?.tier).toBe(2);
    expect(
      evaluateExitTiers(
        plan({ ...everything, maxHoldingMinutes: null, minDaysToExpiry: null }, 'LONG', NIFTY_CE, entry),
        fresh(1_200_000),
        st(),
      )?.tier,
    ).toBe(3);
    expect(
      evaluateExitTiers(
        plan({ ...everything, maxHoldingMinutes: null, minDaysToExpiry: null }, 'LONG', NIFTY_CE, entry),
        fresh(1_100_000),
        st(),
      )?.tier,
    ).toBe(4);
  });
});

describe('long and short mirror', () => {
  it('a long at entry − d behaves as a short at entry + d', () => {
    const cfg = { stopLossPct: 7.5, targetPct: 12.25 };
    const long = plan(cfg, 'LONG');
    const short = plan(cfg, 'SHORT');
    for (let d = -4_000_000; d <= 4_000_000; d += 12_500) {
      expect(ruleOf(long, tick(ENTRY + d))).toBe(ruleOf(short, tick(ENTRY - d)));
    }
    expect(ruleOf(long, tick(ENTRY - percentOfTicks(ENTRY, 7.5)))).toBe('STOP_LOSS');
    expect(ruleOf(short, tick(ENTRY + percentOfTicks(ENTRY, 7.5)))).toBe('STOP_LOSS');
    expect(ruleOf(long, tick(ENTRY + percentOfTicks(ENTRY, 12.25)))).toBe('TARGET');
    expect(ruleOf(short, tick(ENTRY - percentOfTicks(ENTRY, 12.25)))).toBe('TARGET');
  });

  it('nothing fires between the stop and the target', () => {
    const p = plan({ stopLossPct: 10, targetPct: 20 });
    for (const ltp of [22_500_001, ENTRY, 29_999_999]) expect(evaluateExitTiers(p, tick(ltp), status())).toBeNull();
  });
});

describe('validateExitTierConfig', () => {
  it('accepts the defaults and everything off', () => {
    expect(validateExitTierConfig(DEFAULT_EXIT_TIER_CONFIG)).toEqual([]);
    expect(validateExitTierConfig(OFF)).toEqual([]);
    expect(validateExitTierConfig(null as unknown as ExitTierConfig)).toEqual([{ field: '', message: 'must be an object' }]);
    expect(validateExitTierConfig({ ...OFF, stopLossPct: 0.01, targetPct: 10_000, minAbsDelta: 1, rate: 0 })).toEqual([]);
  });

  it.each([
    ['fillTimeoutMs', { fillTimeoutMs: 0 }],
    ['fillTimeoutMs', { fillTimeoutMs: 1.5 }],
    ['staleTickMs', { staleTickMs: -1 }],
    ['stopLossPct', { stopLossPct: 0 }],
    ['stopLossPct', { stopLossPct: 10.125 }],
    ['stopLossPct', { stopLossPct: 1_000.01 }],
    ['stopLossPct', { stopLossPct: NaN }],
    ['targetPct', { targetPct: -5 }],
    ['targetPct', { targetPct: 10_000.01 }],
    ['maxHoldingMinutes', { maxHoldingMinutes: 0 }],
    ['maxHoldingMinutes', { maxHoldingMinutes: 2.5 }],
    ['minDaysToExpiry', { minDaysToExpiry: -1 }],
    ['minAbsDelta', { minAbsDelta: 1.01 }],
    ['minGamma', { minGamma: -0.1 }],
    ['minThetaPctPerDay', { minThetaPctPerDay: -Infinity }],
    ['minVega', { minVega: -1 }],
    ['rate', { rate: 1.5 }],
    ['rate', { rate: NaN }],
    ['stopLossPct', { stopLossPct: '10' as unknown as number }],
    ['fillTimeoutMs', { fillTimeoutMs: undefined as unknown as number }],
  ] as [keyof ExitTierConfig, Partial<ExitTierConfig>][])('names %s', (field, over) => {
    expect(validateExitTierConfig({ ...OFF, ...over }).map((e) => e.field)).toEqual([field]);
  });
});
