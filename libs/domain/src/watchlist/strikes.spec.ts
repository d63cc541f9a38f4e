import {
  applyStrikePolicy,
  atmStrike,
  clickQuantity,
  DomainError,
  demoUniverse,
  indexProfileOf,
  inferStrikeStep,
  offsetStrike,
  parseOptionLeg,
  resolveFuture,
  resolveOption,
  rowUnderlying,
  selectExpiry,
  todayIst,
  type Instrument,
  type OptionQuery,
} from '..';

const R = 10_000;
/** The field a DomainError names. */
function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe('VALIDATION_FAILED');
    return e.options.fieldErrors![0]!.field;
  }
  throw new Error('expected a refusal');
}

const option = (type: 'CE' | 'PE', expiry: string, strike: number, extra: Partial<Instrument> = {}): Instrument => ({
  symbol: `X${expiry}${strike}${type}`,
  exchange: 'NFO',
  name: 'x',
  instrumentType: type,
  lotSize: 50,
  tickSize: 500,
  expiry,
  strike: strike * R,
  underlying: 'X',
  ...extra,
});
const chainOf = (expiries: string[], strikes: number[]) =>
  expiries.flatMap((e) => strikes.flatMap((s) => [option('CE', e, s), option('PE', e, s)]));

describe('todayIst', () => {
  it('is the IST calendar day: 18:29 UTC is still today, 18:30 UTC tomorrow', () => {
    expect(todayIst(new Date('2026-12-07T18:29:59Z'))).toBe('2026-12-07');
    expect(todayIst(new Date('2026-12-07T18:30:00Z'))).toBe('2026-12-08');
  });
});

describe('selectExpiry', () => {
  const listed = ['2026-12-15', '2026-12-08', '2026-12-29', '2026-12-22', '2027-01-05', '2027-01-26', '2026-12-01'];
  it('weekly: the nearest listed expiry on or after today', () => {
    expect(selectExpiry('weekly', listed, '2026-12-07')).toBe('2026-12-08');
    expect(selectExpiry('weekly', listed, '2026-12-08')).toBe('2026-12-08');
  });
  it('monthly: the nearest expiry that is the last listed one of its month', () => {
    expect(selectExpiry('monthly', listed, '2026-12-07')).toBe('2026-12-29');
    expect(selectExpiry('monthly', listed, '2026-12-30')).toBe('2027-01-26');
  });
  it('a date: listed and not past', () => {
    expect(selectExpiry('2026-12-22', listed, '2026-12-07')).toBe('2026-12-22');
    expect(fieldOf(() => selectExpiry('2026-12-23', listed, '2026-12-07'))).toBe('expiry');
    expect(fieldOf(() => selectExpiry('2026-12-01', listed, '2026-12-07'))).toBe('expiry');
    expect(fieldOf(() => selectExpiry('2026-12-01', [], '2026-12-07'))).toBe('expiry');
  });
  it('nothing on or after today is refused for weekly and monthly', () => {
    expect(fieldOf(() => selectExpiry('weekly', listed, '2027-02-01'))).toBe('expiry');
    expect(fieldOf(() => selectExpiry('monthly', listed, '2027-02-01', 'x.expiry'))).toBe('x.expiry');
  });
});

describe('atmStrike, parseOptionLeg, offsetStrike, inferStrikeStep', () => {
  it('rounds to the nearest step, a half up', () => {
    expect(atmStrike(25_924 * R, 50 * R)).toBe(25_900 * R);
    expect(atmStrike(25_925 * R, 50 * R)).toBe(25_950 * R);
    expect(atmStrike(25_924.9999 * R, 50 * R)).toBe(25_900 * R);
    expect(atmStrike(25_950 * R, 50 * R)).toBe(25_950 * R);
    expect(() => atmStrike(1, 0)).toThrow(RangeError);
  });
  it('parses ATM, ITMn, OTMn and refuses the rest', () => {
    expect(parseOptionLeg('ATM')).toEqual({ moneyness: 'ATM', steps: 0 });
    expect(parseOptionLeg('ITM3')).toEqual({ moneyness: 'ITM', steps: 3 });
    expect(parseOptionLeg('OTM12')).toEqual({ moneyness: 'OTM', steps: 12 });
    expect(fieldOf(() => parseOptionLeg('ITM0'))).toBe('optionLeg');
    expect(fieldOf(() => parseOptionLeg('NEAR'))).toBe('optionLeg');
  });
  it('in the money is lower for a call, higher for a put', () => {
    const atm = 100 * R;
    const step = 5 * R;
    expect(offsetStrike(atm, step, 'ATM', 'CE')).toBe(atm);
    expect(offsetStrike(atm, step, 'ITM2', 'CE')).toBe(90 * R);
    expect(offsetStrike(atm, step, 'OTM2', 'CE')).toBe(110 * R);
    expect(offsetStrike(atm, step, 'ITM2', 'PE')).toBe(110 * R);
    expect(offsetStrike(atm, step, 'OTM2', 'PE')).toBe(90 * R);
  });
  it('infers the step as the smallest gap; none from one strike', () => {
    expect(inferStrikeStep([200, 100, 150, 150, 400])).toBe(50);
    expect(inferStrikeStep([100])).toBeNull();
    expect(inferStrikeStep([])).toBeNull();
  });
});

describe('resolveOption', () => {
  const expiries = ['2026-12-08', '2026-12-15', '2026-12-29'];
  const chain = chainOf(expiries, [90, 95, 100, 105, 110]);
  const q = (over: Partial<OptionQuery>): OptionQuery => ({
    underlying: 'X',
    type: 'CE',
    leg: 'ATM',
    expiry: 'weekly',
    ltp: 101 * R,
    strikeStep: 5 * R,
    today: '2026-12-07',
    ...over,
  });

  it('resolves ATM, ITM and OTM calls and puts of the chosen expiry', () => {
    const atm = resolveOption(q({}), chain);
    expect(atm).toMatchObject({ expiry: '2026-12-08', atm: 100 * R, strike: 100 * R, step: 5 * R });
    expect(atm.instrument.symbol).toBe('X2026-12-08100CE');
    expect(resolveOption(q({ leg: 'ITM2', expiry: 'monthly' }), chain).instrument.symbol).toBe('X2026-12-2990CE');
    expect(resolveOption(q({ type: 'PE', leg: 'ITM1', expiry: '2026-12-15' }), chain).instrument.symbol).toBe('X2026-12-15105PE');
    expect(resolveOption(q({ type: 'PE', leg: 'OTM2' }), chain).instrument.symbol).toBe('X2026-12-0890PE');
  });

  it('infers the step from the chain when the profile names none', () => {
    expect(resolveOption(q({ strikeStep: null, leg: 'OTM1' }), chain).strike).toBe(105 * R);
  });

  it('refuses an underlying without options (symbol), an unlisted expiry (expiry)', () => {
    expect(fieldOf(() => resolveOption(q({ underlying: 'Y' }), chain))).toBe('symbol');
    expect(
      fieldOf(() =>
        resolveOption(
          q({}),
          chain.map((i) => ({ ...i, active: false as const })),
        ),
      ),
    ).toBe('symbol');
    expect(fieldOf(() => resolveOption(q({ expiry: '2026-12-09' }), chain))).toBe('expiry');
  });

  it('refuses an offset beyond the listed strikes (optionLeg), both ways', () => {
    expect(fieldOf(() => resolveOption(q({ leg: 'OTM3' }), chain))).toBe('optionLeg');
    expect(fieldOf(() => resolveOption(q({ leg: 'ITM3' }), chain))).toBe('optionLeg');
  });

  it('refuses a step that matches no listed strike (strikeStep), and a zero step', () => {
    expect(fieldOf(() => resolveOption(q({ strikeStep: 3 * R }), chain))).toBe('strikeStep');
    expect(fieldOf(() => resolveOption(q({ strikeStep: 0 }), chain))).toBe('strikeStep');
  });

  it('skips inactive contracts: a deactivated strike is beyond the chain', () => {
    const partlyInactive = chain.map((i) => (i.strike === 110 * R ? { ...i, active: false as const } : i));
    expect(fieldOf(() => resolveOption(q({ leg: 'OTM2' }), partlyInactive))).toBe('optionLeg');
  });

  it('one listed strike: ATM is that strike, any offset is refused', () => {
    const single = [option('CE', '2026-12-08', 100)];
    expect(resolveOption(q({ strikeStep: null, ltp: 500 * R }), single).strike).toBe(100 * R);
    expect(fieldOf(() => resolveOption(q({ strikeStep: null, leg: 'ITM1' }), single))).toBe('optionLeg');
  });

  it('works on the demo universe: NIFTY ATM call of the nearest weekly', () => {
    const asOf = new Date('2026-12-07T04:00:00Z');
    const universe = demoUniverse(asOf);
    const r = resolveOption(
      { underlying: 'NIFTY', type: 'CE', leg: 'ATM', expiry: 'weekly', ltp: 25_912.35 * R, strikeStep: 50 * R, today: todayIst(asOf) },
      universe,
    );
    expect(r.instrument).toMatchObject({
      instrumentType: 'CE',
      underlying: 'NIFTY',
      strike: 25_900 * R,
      expiry: '2026-12-08',
      lotSize: 65,
    });
    expect(
      fieldOf(() =>
        resolveOption(
          { ...r, underlying: 'RELIANCE', type: 'CE', leg: 'ATM', expiry: 'weekly', ltp: 1, strikeStep: null, today: '2026-12-07' },
          universe,
        ),
      ),
    ).toBe('symbol');
  });
});

describe('resolveFuture', () => {
  const fut = (expiry: string, extra: Partial<Instrument> = {}): Instrument => ({
    symbol: `XF${expiry}`,
    exchange: 'NFO',
    name: 'f',
    instrumentType: 'FUT',
    lotSize: 50,
    tickSize: 1000,
    expiry,
    underlying: 'X',
    ...extra,
  });
  it('the nearest active future on or after today', () => {
    const list = [
      fut('2027-01-26'),
      fut('2026-12-29'),
      fut('2026-11-24'),
      fut('2026-12-30', { active: false }),
      option('CE', '2026-12-08', 100),
    ];
    expect(resolveFuture('X', list, '2026-12-07').expiry).toBe('2026-12-29');
    expect(resolveFuture('X', [fut('2027-01-26'), fut('2026-12-29')], '2026-12-07').expiry).toBe('2026-12-29');
    expect(resolveFuture('X', [fut('2026-12-29'), fut('2027-01-26')], '2026-12-07').expiry).toBe('2026-12-29');
    expect(resolveFuture('X', [fut('2026-12-29'), fut('2026-12-29', { symbol: 'dup' })], '2026-12-07').expiry).toBe('2026-12-29');
  });
  it('none: refused naming tradeMode', () => {
    expect(fieldOf(() => resolveFuture('X', [fut('2026-11-24')], '2026-12-07'))).toBe('tradeMode');
  });
});

describe('applyStrikePolicy, clickQuantity, rowUnderlying, indexProfileOf', () => {
  it('ANCHOR keeps the held contract; flat or FLOAT_OFS resolves afresh', () => {
    const fresh = vi.fn(() => 'fresh');
    expect(applyStrikePolicy('ANCHOR', 'held', fresh)).toBe('held');
    expect(fresh).not.toHaveBeenCalled();
    expect(applyStrikePolicy('ANCHOR', null, fresh)).toBe('fresh');
    expect(applyStrikePolicy('FLOAT_OFS', 'held', fresh)).toBe('fresh');
  });
  it('quantity = stepLots × lot size; a step that is not whole lots is refused', () => {
    expect(clickQuantity(2, 65)).toBe(130);
    expect(fieldOf(() => clickQuantity(1.5, 65))).toBe('stepLots');
    expect(fieldOf(() => clickQuantity(0, 65, 'overrides.stepLots'))).toBe('overrides.stepLots');
  });
  it('a row trades its own options (index, equity) or its underlying’s (derivative); the index tier only for indices and derivatives', () => {
    expect(rowUnderlying({ symbol: 'NIFTY', instrumentType: 'INDEX' })).toBe('NIFTY');
    expect(rowUnderlying({ symbol: 'RELIANCE', instrumentType: 'EQ' })).toBe('RELIANCE');
    expect(rowUnderlying({ symbol: 'NIFTYFUT', instrumentType: 'FUT', underlying: 'NIFTY' })).toBe('NIFTY');
    expect(rowUnderlying({ symbol: 'ODD', instrumentType: 'CE' })).toBe('ODD');
    expect(indexProfileOf({ symbol: 'NIFTY', instrumentType: 'INDEX' })).toBe('NIFTY');
    expect(indexProfileOf({ symbol: 'RELIANCE', instrumentType: 'EQ' })).toBeNull();
    expect(indexProfileOf({ symbol: 'NIFTYCE', instrumentType: 'PE', underlying: 'NIFTY' })).toBe('NIFTY');
    expect(indexProfileOf({ symbol: 'ODD', instrumentType: 'FUT' })).toBeNull();
  });
});
