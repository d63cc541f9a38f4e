import { blackScholes, DEFAULT_EXIT_TIER_CONFIG, type ExitTierConfig, type Instrument } from '@tradeloop/domain';
import { AlertExitEvaluator, exitConfigOf, type AlertPositionForExit } from './alert-exit-evaluator';

const ist = (date: string, hhmm: string): number => Date.parse(`${date}T${hhmm}:00+05:30`);
const OPENED = ist('2026-12-07', '10:00');
const NOW = ist('2026-12-07', '10:30');
const RUPEE = 10_000;
const ENTRY = 1_000 * RUPEE;

const EQUITY: Instrument = { symbol: 'RELIANCE', exchange: 'NSE', name: 'Reliance', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };
const OTHER: Instrument = { ...EQUITY, symbol: 'INFY', name: 'Infosys' };
const CE: Instrument = {
  symbol: 'NIFTY26D1526000CE',
  exchange: 'NFO',
  name: 'NIFTY 26000 CE',
  instrumentType: 'CE',
  lotSize: 65,
  tickSize: 500,
  expiry: '2026-12-15',
  strike: 26_000 * RUPEE,
  underlying: 'NIFTY',
};

/** Only stop and target on (the tiers this test is about are switched on per case). */
const CONFIG: Partial<ExitTierConfig> = {
  stopLossPct: 10,
  targetPct: 20,
  maxHoldingMinutes: null,
  minDaysToExpiry: null,
  minAbsDelta: null,
  minThetaPctPerDay: null,
};

let n = 0;
const position = (over: Partial<AlertPositionForExit> = {}): AlertPositionForExit => ({
  positionId: `p${++n}`,
  userId: 'u1',
  accountId: 'a1',
  shadow: false,
  symbol: EQUITY.symbol,
  side: 'BUY',
  quantity: 10,
  entry: ENTRY,
  openedAt: OPENED,
  instrument: EQUITY,
  exitConfig: CONFIG,
  brokerRejection: null,
  awaitingFillSince: null,
  ...over,
});
const tick = (ltp: number, symbol = EQUITY.symbol, ts = NOW) => ({ symbol, ts, ltp });
const evaluator = () => new AlertExitEvaluator(() => NOW);

describe('AlertExitEvaluator', () => {
  it('a long exits at its stop (tier 2, STOP_LOSS) at or through it, not above it; it leaves the index', () => {
    const e = evaluator();
    const p = position();
    e.upsert(p);
    expect(e.evaluate([tick(ENTRY - 100 * RUPEE + 500)]).exits).toEqual([]);
    const r = e.evaluate([tick(ENTRY - 100 * RUPEE)]);
    expect(r.exits.map((x) => [x.position.positionId, x.signal.tier, x.signal.rule, x.signal.flag, x.price])).toEqual([
      [p.positionId, 2, 'STOP_LOSS', false, ENTRY - 100 * RUPEE],
    ]);
    expect(e.size).toBe(0);
  });

  it('a short mirrors: its stop is above the entry, its target below', () => {
    const e = evaluator();
    const stop = position({ side: 'SELL' });
    e.upsert(stop);
    expect(e.evaluate([tick(ENTRY - 100 * RUPEE)]).exits).toEqual([]); // a long's stop is a short's gain
    expect(e.evaluate([tick(ENTRY + 100 * RUPEE)]).exits.map((x) => x.signal.rule)).toEqual(['STOP_LOSS']);
    const target = position({ side: 'SELL' });
    e.upsert(target);
    expect(e.evaluate([tick(ENTRY - 200 * RUPEE)]).exits.map((x) => [x.signal.tier, x.signal.rule])).toEqual([[3, 'TARGET']]);
  });

  it('a shadow position through its target: tier 3 TARGET at the tick price, as a real one would', () => {
    const e = evaluator();
    const shadow = position({ shadow: true, accountId: null });
    e.upsert(shadow);
    const [x] = e.evaluate([tick(ENTRY + 200 * RUPEE + 500)]).exits;
    expect(x).toMatchObject({
      position: { shadow: true, accountId: null },
      signal: { tier: 3, rule: 'TARGET' },
      price: ENTRY + 200 * RUPEE + 500,
    });
  });

  it('tiers in order: a hard fail beats the stop, the stop beats the holding time, protection beats profit', () => {
    const e = evaluator();
    const rejected = position({ brokerRejection: 'margin' });
    const stale = position();
    e.upsert(rejected);
    e.upsert(stale);
    // Through the stop, but the tick is stale (11 s): the stale position is a hard fail, the rejected one too.
    const r = e.evaluate([tick(ENTRY - 200 * RUPEE, EQUITY.symbol, NOW - 11_000)]);
    expect(r.exits.map((x) => [x.position.positionId, x.signal.tier, x.signal.rule])).toEqual([
      [rejected.positionId, 1, 'BROKER_REJECTION'],
      [stale.positionId, 1, 'STALE_TICK'],
    ]);
    expect(r.exits.every((x) => x.signal.flag)).toBe(true);
    // The holding time is up and the price is through the stop: STOP_LOSS is first within tier 2.
    const held = position({ exitConfig: { ...CONFIG, maxHoldingMinutes: 30 } });
    e.upsert(held);
    expect(e.evaluate([tick(ENTRY - 100 * RUPEE)]).exits.map((x) => x.signal.rule)).toEqual(['STOP_LOSS']);
    const heldOnly = position({ exitConfig: { ...CONFIG, maxHoldingMinutes: 30 } });
    e.upsert(heldOnly);
    expect(e.evaluate([tick(ENTRY + 300 * RUPEE)]).exits.map((x) => [x.signal.tier, x.signal.rule])).toEqual([[2, 'MAX_HOLDING_TIME']]);
  });

  it('hard fails from the order state and the tick: missing fill after its timeout, waiting within it, a corrupt price, an unreadable config', () => {
    const e = evaluator();
    const waiting = position({ awaitingFillSince: NOW - 29_999 });
    const missing = position({ awaitingFillSince: NOW - 30_000 });
    e.upsert(waiting);
    e.upsert(missing);
    // Far through the stop, but the waiting one has no position yet: only the missing fill exits.
    expect(e.evaluate([tick(ENTRY - 500 * RUPEE)]).exits.map((x) => [x.position.positionId, x.signal.rule])).toEqual([
      [missing.positionId, 'MISSING_FILL'],
    ]);
    e.remove(waiting.positionId);
    const corrupt = position();
    e.upsert(corrupt);
    e.evaluate([tick(ENTRY + 10 * RUPEE)]); // a good price first
    const [bad] = e.evaluate([tick(-5)]).exits;
    // Judged at the last good price, not the corrupt one.
    expect(bad).toMatchObject({ signal: { tier: 1, rule: 'DATA_CORRUPTION', flag: true }, price: ENTRY + 10 * RUPEE });
    const unreadable = position({ exitConfig: { stopLossPct: 'ten' } });
    expect(exitConfigOf({ stopLossPct: 'ten' }).problem).toContain('stopLossPct');
    e.upsert(unreadable);
    expect(e.evaluate([tick(ENTRY)]).exits.map((x) => [x.signal.rule, x.price])).toEqual([['DATA_CORRUPTION', ENTRY]]);
  });

  it('a tick storm through the stop exits once; only the ticked symbols are evaluated', () => {
    const e = evaluator();
    const a = position();
    const b = position({ symbol: OTHER.symbol, instrument: OTHER });
    e.upsert(a);
    e.upsert(b);
    const storm = Array.from({ length: 1_000 }, (_, i) => tick(ENTRY - 150 * RUPEE - (i % 7) * 500));
    const r = e.evaluate(storm);
    expect(r.exits.map((x) => x.position.positionId)).toEqual([a.positionId]);
    expect(r.matched).toBe(1);
    expect(e.evaluate(storm).exits).toEqual([]);
    expect(e.positionIds()).toEqual([b.positionId]);
    expect(e.evaluate([tick(ENTRY, 'NOT-WATCHED')]).matched).toBe(0);
  });

  it('the exit config snapshot is merged over the defaults (an empty snapshot: the defaults’ 30 % stop)', () => {
    expect(exitConfigOf({}).config).toEqual(DEFAULT_EXIT_TIER_CONFIG);
    const e = evaluator();
    e.upsert(position({ exitConfig: {} }));
    expect(e.evaluate([tick(ENTRY - 299 * RUPEE)]).exits).toEqual([]);
    expect(e.evaluate([tick(ENTRY - 300 * RUPEE)]).exits.map((x) => x.signal.rule)).toEqual(['STOP_LOSS']);
  });

  it('options: the underlying from its own ticks, the IV implied from the two LTPs; a far out-of-the-money call degrades on delta (tier 4)', () => {
    const e = evaluator();
    const opt = position({
      symbol: CE.symbol,
      instrument: CE,
      entry: 50 * RUPEE,
      exitConfig: { ...CONFIG, stopLossPct: null, targetPct: null, minAbsDelta: 0.05 },
    });
    e.upsert(opt);
    expect(e.symbols().sort()).toEqual([CE.symbol, 'NIFTY'].sort());
    const years = (Date.parse('2026-12-15T10:00:00Z') - NOW) / (86_400_000 * 365);
    const priceAt = (spot: number, vol: number) => Math.round(blackScholes('CE', spot, 26_000, years, vol, 0.065) * 20) * 500;
    // Without the underlying's price the greeks are not judged.
    expect(e.evaluate([tick(priceAt(25_000, 0.15), CE.symbol)]).exits).toEqual([]);
    // Near the money (|delta| well above 0.05): nothing.
    expect(e.evaluate([tick(25_900 * RUPEE, 'NIFTY'), tick(priceAt(25_900, 0.15), CE.symbol)]).exits).toEqual([]);
    // The underlying falls 2,000 points: the call's delta collapses.
    const [x] = e.evaluate([tick(23_900 * RUPEE, 'NIFTY'), tick(Math.max(500, priceAt(23_900, 0.15)), CE.symbol)]).exits;
    expect(x).toMatchObject({ position: { positionId: opt.positionId }, signal: { tier: 4, rule: 'DELTA' } });
    expect(e.symbols()).toEqual([]);
  });
});
