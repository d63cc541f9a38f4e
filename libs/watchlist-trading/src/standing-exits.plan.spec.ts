import {
  gttLimitPrice,
  protectedQuantity,
  sameStandingExit,
  standingExitTarget,
  standingExitTerms,
  type StandingExitTarget,
} from './standing-exits.plan';

const R = 10_000; // ticks per rupee
const snapshot = (tp: string | null, sl: string | null) => ({
  tpPerUnit: { value: tp, source: 'index' },
  slPerUnit: { value: sl, source: 'click' },
  tslEnabled: { value: true, source: 'index' }, // the trailing stop is our engine's alone
});
const OPTION = { exchange: 'NFO', symbol: 'NIFTY26D0825900CE', lotSize: 75, tickSize: 500 };

describe('standingExitTarget', () => {
  it('a long: SELL the whole net, TP above and SL below the account’s average entry', () => {
    expect(standingExitTarget(150, 100 * R, snapshot('30', '20'), 500)).toEqual({
      exitSide: 'SELL',
      quantity: 150,
      entry: 100 * R,
      tp: 130 * R,
      sl: 80 * R,
    });
  });

  it('a short mirrors it: BUY, TP below, SL above', () => {
    expect(standingExitTarget(-75, 100 * R, snapshot('30', '20'), 500)).toMatchObject({
      exitSide: 'BUY',
      quantity: 75,
      tp: 70 * R,
      sl: 120 * R,
    });
  });

  it('levels go on the tick grid (an average entry between ticks)', () => {
    expect(standingExitTarget(150, 1_000_249, snapshot('30', '20'), 500)).toMatchObject({ tp: 1_300_000, sl: 800_000 });
    expect(standingExitTarget(150, 1_000_251, snapshot('30', '20'), 500)).toMatchObject({ tp: 1_300_500, sl: 800_500 });
  });

  it('one level only; nothing when flat, without TP and SL, or when the only stop is at or below zero', () => {
    expect(standingExitTarget(75, 100 * R, snapshot('30', null), 500)).toMatchObject({ tp: 130 * R, sl: null });
    expect(standingExitTarget(0, null, snapshot('30', '20'), 500)).toBeNull();
    expect(standingExitTarget(75, 100 * R, snapshot(null, null), 500)).toBeNull();
    expect(standingExitTarget(75, 10 * R, snapshot(null, '10'), 500)).toBeNull();
    expect(standingExitTarget(75, 10 * R, snapshot('5', '10'), 500)).toMatchObject({ tp: 15 * R, sl: null });
  });

  it('bare snapshot values are read too', () => {
    expect(standingExitTarget(75, 100 * R, { tpPerUnit: '12.5', slPerUnit: '7.25' }, 500)).toMatchObject({ tp: 1_125_000, sl: 927_500 });
  });
});

describe('sameStandingExit', () => {
  const t: StandingExitTarget = { exitSide: 'SELL', quantity: 150, entry: 100 * R, tp: 130 * R, sl: 80 * R };
  it('compares side, quantity and levels (not the entry)', () => {
    expect(sameStandingExit({ exitSide: 'SELL', quantity: 150, tp: 130 * R, sl: 80 * R }, t)).toBe(true);
    expect(sameStandingExit({ exitSide: 'SELL', quantity: 75, tp: 130 * R, sl: 80 * R }, t)).toBe(false);
    expect(sameStandingExit({ exitSide: 'BUY', quantity: 150, tp: 130 * R, sl: 80 * R }, t)).toBe(false);
    expect(sameStandingExit({ exitSide: 'SELL', quantity: 150, tp: 131 * R, sl: 80 * R }, t)).toBe(false);
    expect(sameStandingExit({ exitSide: 'SELL', quantity: 150, tp: 130 * R, sl: null }, t)).toBe(false);
  });
});

describe('gttLimitPrice', () => {
  it('5 % beyond the trigger on the tick grid, at least a tick: below for a SELL, above for a BUY', () => {
    expect(gttLimitPrice('SELL', 80 * R, 500)).toBe(76 * R);
    expect(gttLimitPrice('BUY', 120 * R, 500)).toBe(126 * R);
    expect(gttLimitPrice('SELL', 1_000_500, 500)).toBe(1_000_500 - 50_500); // 5% = 50025 → up to 50500
    expect(gttLimitPrice('SELL', 500, 500)).toBe(500); // never below one tick
    expect(gttLimitPrice('BUY', 500, 500)).toBe(1_000);
  });
});

describe('standingExitTerms', () => {
  const long: StandingExitTarget = { exitSide: 'SELL', quantity: 150, entry: 100 * R, tp: 130 * R, sl: 80 * R };
  it('both levels: two legs, the lower value first, each closing the whole quantity at its limit', () => {
    expect(standingExitTerms(long, OPTION, 'NRML', 101 * R)).toEqual({
      terms: {
        exchange: 'NFO',
        symbol: 'NIFTY26D0825900CE',
        lotSize: 75,
        product: 'NRML',
        side: 'SELL',
        quantity: 150,
        lastPrice: 101 * R,
        legs: [
          { trigger: 80 * R, price: 76 * R },
          { trigger: 130 * R, price: 1_235_000 },
        ],
      },
    });
    const short: StandingExitTarget = { exitSide: 'BUY', quantity: 75, entry: 100 * R, tp: 70 * R, sl: 120 * R };
    const t = standingExitTerms(short, OPTION, 'MIS', 99 * R);
    expect('terms' in t && t.terms.legs.map((l) => l.trigger)).toEqual([70 * R, 120 * R]);
  });

  it('one level: one leg', () => {
    const t = standingExitTerms({ ...long, sl: null }, OPTION, 'NRML', 101 * R);
    expect('terms' in t && t.terms.legs).toEqual([{ trigger: 130 * R, price: 1_235_000 }]);
  });

  it('refused when the last price is at or beyond a level (our engine is past it already)', () => {
    for (const last of [130 * R, 131 * R, 80 * R, 79 * R]) expect(standingExitTerms(long, OPTION, 'NRML', last)).toHaveProperty('refused');
    expect(standingExitTerms({ ...long, sl: null }, OPTION, 'NRML', 79 * R)).toHaveProperty('terms');
    const short: StandingExitTarget = { exitSide: 'BUY', quantity: 75, entry: 100 * R, tp: 70 * R, sl: 120 * R };
    expect(standingExitTerms(short, OPTION, 'MIS', 121 * R)).toHaveProperty('refused');
    expect(standingExitTerms(short, OPTION, 'MIS', 69 * R)).toHaveProperty('refused');
  });
});

describe('protectedQuantity', () => {
  it('the filled net, capped at the target when both point the same way; nothing while our orders flatten or flip it', () => {
    expect(protectedQuantity(150, 150)).toBe(150);
    expect(protectedQuantity(150, 300)).toBe(150); // adding: the filled part is protected
    expect(protectedQuantity(150, 75)).toBe(75); // reducing: only what is kept
    expect(protectedQuantity(150, 0)).toBe(0); // an EXIT or risk exit is flattening it
    expect(protectedQuantity(150, -75)).toBe(0);
    expect(protectedQuantity(-150, -75)).toBe(-75);
    expect(protectedQuantity(-150, -300)).toBe(-150);
    expect(protectedQuantity(0, 75)).toBe(0);
    expect(protectedQuantity(150, null)).toBe(0);
  });
});
