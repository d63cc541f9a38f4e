import {
  decideEngineA,
  DEFAULT_ENGINE_A_CONFIG,
  ENGINE_A_RULES,
  entryValue,
  parseIstMinute,
  validateEngineAConfig,
  type EngineAConfig,
  type EngineARule,
} from './engine-a';
import { sessionTimeAt } from './market-context';
import { buy, ctx, ist, MONDAY, SATURDAY, sell } from './engines.fixture';

// ctx(): Monday 11:00 IST, LTP ₹2,500; buy(10) is worth ₹25,000.00 = 2,500,000 paise.
const config = (over: Partial<EngineAConfig> = {}): EngineAConfig => ({
  session: { from: '09:20', to: '15:00' },
  allowedSymbols: ['RELIANCE', 'TCS'],
  directions: ['BUY', 'SELL'],
  limits: { maxOpenPositions: 3, maxExposure: 5_000_000n },
  ...over,
});
const at = (hhmm: string, date = MONDAY) => ctx({ now: ist(date, hhmm), session: sessionTimeAt(ist(date, hhmm)) });
const rule = (d: ReturnType<typeof decideEngineA>, name: EngineARule) => d.rules.find((r) => r.rule === name)!;

describe('engine A', () => {
  it('enters when every rule passes, listing all six in order', () => {
    const d = decideEngineA(buy(), ctx(), config());
    expect(d.decision).toBe('ENTER');
    expect(d.engine).toBe('A');
    expect(d.failed).toEqual([]);
    expect(d.rules.map((r) => r.rule)).toEqual([...ENGINE_A_RULES]);
    expect(d.rules.every((r) => r.pass && r.reason.length > 0)).toBe(true);
    expect(d.at).toBe(ctx().now);
  });

  describe('SESSION_WINDOW: [from, to) in IST', () => {
    it.each([
      ['09:19', false],
      ['09:20', true],
      ['14:59', true],
      ['15:00', false],
    ])('%s → pass %s', (hhmm, pass) => {
      const d = decideEngineA(buy(), at(hhmm), config());
      expect(rule(d, 'SESSION_WINDOW').pass).toBe(pass);
      expect(d.decision).toBe(pass ? 'ENTER' : 'SKIP');
      if (!pass) expect(rule(d, 'SESSION_WINDOW').reason).toBe(`${hhmm} IST is outside 09:20–15:00`);
    });

    it('fails on a weekend inside the window', () => {
      const d = decideEngineA(buy(), at('11:00', SATURDAY), config());
      expect(rule(d, 'SESSION_WINDOW')).toEqual({ rule: 'SESSION_WINDOW', pass: false, reason: 'not a trading day' });
    });

    it('fails closed when the configured window is unreadable', () => {
      expect(rule(decideEngineA(buy(), ctx(), config({ session: { from: '9:20', to: '15:00' } })), 'SESSION_WINDOW').pass).toBe(false);
    });
  });

  describe('ALLOWED_SYMBOL', () => {
    it('passes a listed symbol and fails another; null allows any', () => {
      expect(rule(decideEngineA(buy(10, 'TCS'), ctx(), config()), 'ALLOWED_SYMBOL').pass).toBe(true);
      const d = decideEngineA(buy(10, 'INFY'), ctx(), config());
      expect(rule(d, 'ALLOWED_SYMBOL')).toEqual({ rule: 'ALLOWED_SYMBOL', pass: false, reason: 'INFY is not in the allowed symbols' });
      expect(d.decision).toBe('SKIP');
      expect(rule(decideEngineA(buy(10, 'INFY'), ctx(), config({ allowedSymbols: null })), 'ALLOWED_SYMBOL').pass).toBe(true);
    });

    it('is case-sensitive (symbols are upper-case everywhere)', () => {
      expect(rule(decideEngineA(buy(10, 'reliance'), ctx(), config()), 'ALLOWED_SYMBOL').pass).toBe(false);
    });
  });

  describe('DIRECTION_ALLOWED', () => {
    it('long-only refuses a SELL; short-only refuses a BUY', () => {
      expect(rule(decideEngineA(buy(), ctx(), config({ directions: ['BUY'] })), 'DIRECTION_ALLOWED').pass).toBe(true);
      expect(rule(decideEngineA(sell(), ctx(), config({ directions: ['BUY'] })), 'DIRECTION_ALLOWED')).toEqual({
        rule: 'DIRECTION_ALLOWED',
        pass: false,
        reason: 'SELL is not allowed',
      });
      expect(rule(decideEngineA(buy(), ctx(), config({ directions: ['SELL'] })), 'DIRECTION_ALLOWED').pass).toBe(false);
      expect(decideEngineA(sell(), ctx(), config()).decision).toBe('ENTER');
    });
  });

  describe('MAX_OPEN_POSITIONS: the entry counts as one more', () => {
    it.each([
      [1, true],
      [2, true],
      [3, false],
      [7, false],
    ])('%i open of 3 → pass %s', (openCount, pass) => {
      const d = decideEngineA(buy(), ctx({ positions: { openCount, exposure: 0n, symbolOpen: false } }), config());
      expect(rule(d, 'MAX_OPEN_POSITIONS').pass).toBe(pass);
    });
  });

  describe('MAX_EXPOSURE: current + quantity × LTP', () => {
    it('passes at the limit exactly and fails a paisa over', () => {
      const exact = ctx({ positions: { openCount: 0, exposure: 2_500_000n, symbolOpen: false } });
      expect(rule(decideEngineA(buy(), exact, config()), 'MAX_EXPOSURE').pass).toBe(true);
      const over = ctx({ positions: { openCount: 0, exposure: 2_500_001n, symbolOpen: false } });
      const d = decideEngineA(buy(), over, config());
      expect(rule(d, 'MAX_EXPOSURE')).toEqual({
        rule: 'MAX_EXPOSURE',
        pass: false,
        reason: 'exposure would be ₹50000.01, above the limit of ₹50000.00',
      });
    });

    it('counts a SELL (short) entry as exposure too', () => {
      expect(rule(decideEngineA(sell(21), ctx(), config()), 'MAX_EXPOSURE').pass).toBe(false);
      expect(rule(decideEngineA(sell(20), ctx(), config()), 'MAX_EXPOSURE').pass).toBe(true);
    });

    it('values the entry in paise, half up, without floats', () => {
      expect(entryValue(buy(1), ctx({ ltp: 50 }))).toBe(1n); // 0.5 paisa → 1
      expect(entryValue(buy(1), ctx({ ltp: 49 }))).toBe(0n);
      expect(entryValue(buy(3), ctx({ ltp: 12_345 }))).toBe(370n); // 370.35 → 370
      expect(entryValue(buy(10_000_000), ctx({ ltp: 1_000_000_000 }))).toBe(100_000_000_000_000n); // 10⁷ units × ₹10⁵
    });
  });

  describe('NO_DUPLICATE_POSITION', () => {
    it('fails when the symbol already has an open position', () => {
      const d = decideEngineA(buy(), ctx({ positions: { openCount: 1, exposure: 0n, symbolOpen: true } }), config());
      expect(rule(d, 'NO_DUPLICATE_POSITION')).toEqual({
        rule: 'NO_DUPLICATE_POSITION',
        pass: false,
        reason: 'a position in RELIANCE is already open',
      });
      expect(d.failed).toEqual(['NO_DUPLICATE_POSITION']);
    });
  });

  it('evaluates every rule even when the first fails, and lists all failures', () => {
    const d = decideEngineA(
      sell(1000, 'INFY'),
      ctx({
        now: ist(MONDAY, '16:00'),
        session: sessionTimeAt(ist(MONDAY, '16:00')),
        positions: { openCount: 3, exposure: 0n, symbolOpen: true },
      }),
      config({ directions: ['BUY'] }),
    );
    expect(d.decision).toBe('SKIP');
    expect(d.failed).toEqual([...ENGINE_A_RULES]);
  });

  it('uses the defaults when no config is given', () => {
    expect(decideEngineA(buy(), ctx()).decision).toBe('ENTER');
    expect(decideEngineA(buy(), at('09:19')).decision).toBe('SKIP');
  });
});

describe('parseIstMinute', () => {
  it.each([
    ['00:00', 0],
    ['09:20', 560],
    ['23:59', 1439],
    ['24:00', null],
    ['9:20', null],
    ['09:60', null],
    [' 09:20', null],
    [920, null],
  ])('%s → %s', (text, minute) => expect(parseIstMinute(text)).toBe(minute));
});

describe('validateEngineAConfig', () => {
  it('accepts the defaults and a full config', () => {
    expect(validateEngineAConfig(DEFAULT_ENGINE_A_CONFIG)).toEqual([]);
    expect(validateEngineAConfig(null as unknown as EngineAConfig)).toEqual([{ field: '', message: 'must be an object' }]);
    expect(validateEngineAConfig(config())).toEqual([]);
  });

  it.each([
    ['a bad from', { session: { from: '9', to: '15:00' } }, ['session.from']],
    ['a bad to', { session: { from: '09:20', to: '25:00' } }, ['session.to']],
    ['to not after from', { session: { from: '10:00', to: '10:00' } }, ['session.to']],
    ['an empty symbol list', { allowedSymbols: [] }, ['allowedSymbols']],
    ['a lower-case symbol', { allowedSymbols: ['TCS', 'infy'] }, ['allowedSymbols[1]']],
    ['a repeated symbol', { allowedSymbols: ['TCS', 'TCS'] }, ['allowedSymbols']],
    ['no directions', { directions: [] }, ['directions']],
    ['an unknown direction', { directions: ['BUY', 'HOLD' as 'BUY'] }, ['directions[1]']],
    ['a repeated direction', { directions: ['BUY', 'BUY'] }, ['directions']],
    ['zero positions', { limits: { maxOpenPositions: 0, maxExposure: 1n } }, ['limits.maxOpenPositions']],
    ['fractional positions', { limits: { maxOpenPositions: 1.5, maxExposure: 1n } }, ['limits.maxOpenPositions']],
    ['zero exposure', { limits: { maxOpenPositions: 1, maxExposure: 0n } }, ['limits.maxExposure']],
    ['a number for exposure', { limits: { maxOpenPositions: 1, maxExposure: 100 as unknown as bigint } }, ['limits.maxExposure']],
    ['no session', { session: undefined as unknown as EngineAConfig['session'] }, ['session']],
    ['a string for symbols', { allowedSymbols: 'TCS' as unknown as string[] }, ['allowedSymbols']],
    ['a string for directions', { directions: 'BUY' as unknown as EngineAConfig['directions'] }, ['directions']],
    ['no limits', { limits: null as unknown as EngineAConfig['limits'] }, ['limits']],
  ] as [string, Partial<EngineAConfig>, string[]][])('names the field for %s', (_name, over, fields) => {
    expect(validateEngineAConfig(config(over)).map((e) => e.field)).toEqual(fields);
  });
});
