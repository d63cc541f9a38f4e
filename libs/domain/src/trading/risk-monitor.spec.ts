import { applyFillToPosition, dayPnlAtMarks, decideTripOnce, FLAT_POSITION, markToMarketPnl, realizedPnl, valueToPaise } from '.';

const rs = (r: number) => Math.round(r * 10_000);
const paise = (rupees: number) => BigInt(Math.round(rupees * 100));

describe('dayPnlAtMarks', () => {
  const long = { ...applyFillToPosition(FLAT_POSITION, 'BUY', 10, rs(1400)), symbol: 'RELIANCE' };
  const short = { ...applyFillToPosition(FLAT_POSITION, 'SELL', 4, rs(3500)), symbol: 'TCS' };
  const marks = new Map([
    ['RELIANCE', rs(1398.55)],
    ['TCS', rs(3490)],
  ]);

  it('adds realized today to the unrealized P&L of open positions at their marks, in paise', () => {
    // RELIANCE: (1398.55 − 1400) × 10 = −14.50; TCS short: (3500 − 3490) × 4 = +40.00; realized −100.25.
    expect(dayPnlAtMarks(-BigInt(rs(100.25)), [long, short], (s) => marks.get(s))).toBe(paise(-100.25 - 14.5 + 40));
  });

  it('counts a position without a mark as zero, and ignores flat positions', () => {
    expect(dayPnlAtMarks(0n, [long, { ...FLAT_POSITION, symbol: 'INFY' }], () => undefined)).toBe(0n);
    expect(dayPnlAtMarks(BigInt(rs(5)), [{ ...FLAT_POSITION, symbol: 'INFY' }], () => rs(1))).toBe(paise(5));
  });

  it('agrees with the mark-to-market P&L of a position opened today', () => {
    const p = applyFillToPosition(applyFillToPosition(FLAT_POSITION, 'BUY', 7, rs(101.05)), 'SELL', 3, rs(99.9));
    const mark = rs(100.35);
    // Realized today is what the fills realized; the open rest at the mark completes the MTM P&L.
    expect(dayPnlAtMarks(realizedPnl(p), [{ ...p, symbol: 'X' }], () => mark)).toBe(valueToPaise(markToMarketPnl(p, mark)));
  });
});

describe('decideTripOnce', () => {
  const limits = { maxDailyLoss: paise(1000) };
  const off = { engaged: false };

  it('trips a breach and names the limit in force', () => {
    expect(decideTripOnce({ dayPnl: -paise(1000), limits, userSwitch: off, tripsToday: [] })).toEqual({
      trip: true,
      rule: 'MAX_DAILY_LOSS',
      reason: 'Daily loss ₹1000.00 reached the limit of ₹1000.00',
      limit: paise(1000),
    });
  });

  it('does not trip below the limit, on a profit, or with the switch already engaged', () => {
    expect(decideTripOnce({ dayPnl: -paise(999.99), limits, userSwitch: off, tripsToday: [] })).toEqual({ trip: false });
    expect(decideTripOnce({ dayPnl: paise(5000), limits: { maxDailyLoss: 0n }, userSwitch: off, tripsToday: [] })).toEqual({ trip: false });
    expect(decideTripOnce({ dayPnl: -paise(5000), limits, userSwitch: { engaged: true }, tripsToday: [] })).toEqual({ trip: false });
  });

  it('trips once a day per limit: a released switch is not overruled, a changed limit is a new decision', () => {
    const tripsToday = [{ rule: 'MAX_DAILY_LOSS', limit: paise(1000) }];
    expect(decideTripOnce({ dayPnl: -paise(5000), limits, userSwitch: off, tripsToday })).toEqual({ trip: false });
    expect(decideTripOnce({ dayPnl: -paise(5000), limits: { maxDailyLoss: paise(2000) }, userSwitch: off, tripsToday })).toMatchObject({
      trip: true,
      limit: paise(2000),
    });
    expect(
      decideTripOnce({
        dayPnl: -paise(5000),
        limits: { maxDailyLoss: paise(2000) },
        userSwitch: off,
        tripsToday: [{ rule: 'MAX_DRAWDOWN', limit: paise(2000) }],
      }),
    ).toMatchObject({ trip: true });
  });

  it('no limit, no trip', () => {
    expect(decideTripOnce({ dayPnl: -paise(1e9), limits: { maxDailyLoss: null }, userSwitch: off, tripsToday: [] })).toEqual({
      trip: false,
    });
  });
});
