import { UNARMED } from '@tradeloop/domain';
import { ExitEvaluator, type LegForExit } from './exit-evaluator';

const rs = (r: number) => Math.round(r * 10_000);
const SETTINGS = {
  tpPerUnit: { value: '30', source: 'index' },
  slPerUnit: { value: '20', source: 'index' },
  tslEnabled: { value: true, source: 'index' },
  tslArmAfter: { value: '10', source: 'index' },
  tslTrailBy: { value: '15', source: 'index' },
  tslStep: { value: '5', source: 'index' },
};
const leg = (over: Partial<LegForExit> = {}): LegForExit => ({
  legId: 'leg-1',
  userId: 'user-1',
  symbol: 'NIFTY26D0825900CE',
  generation: 1,
  settings: SETTINGS,
  netQuantity: 150,
  averageEntry: rs(100),
  trailing: UNARMED,
  ...over,
});
const tick = (symbol: string, rupees: number) => ({ symbol, ltp: rs(rupees) });

describe('ExitEvaluator', () => {
  it('watches an open leg with an exit; not a flat one, nor one without any exit', () => {
    const e = new ExitEvaluator();
    expect(e.upsert(leg())).toBeDefined();
    expect(e.upsert(leg({ legId: 'flat', netQuantity: 0, averageEntry: null }))).toBeUndefined();
    expect(e.upsert(leg({ legId: 'none', settings: { tslEnabled: false } }))).toBeUndefined();
    expect(e.size).toBe(1);
    // A watched leg going flat leaves the index.
    e.upsert(leg({ netQuantity: 0, averageEntry: null }));
    expect(e.size).toBe(0);
  });
  it('evaluates only the legs of ticked symbols, tick by tick, and reports a breach once (a tick storm)', () => {
    const e = new ExitEvaluator();
    e.upsert(leg());
    e.upsert(leg({ legId: 'other', symbol: 'BANKNIFTY26D0858000PE' }));
    expect(e.evaluate([tick('RELIANCE', 1), tick('NIFTY26D0825900CE', 101)])).toEqual({ breaches: [], stopMoves: [], matched: 1 });
    const storm = Array.from({ length: 500 }, (_, i) => tick('NIFTY26D0825900CE', 131 + (i % 3)));
    const r = e.evaluate(storm);
    expect(r.breaches.map((b) => [b.leg.legId, b.breach])).toEqual([['leg-1', { kind: 'TP', level: rs(130), price: rs(131) }]]);
    expect(e.get('leg-1')).toBeUndefined();
    expect(e.evaluate(storm).breaches).toEqual([]);
    expect(e.get('other')).toBeDefined();
  });
  it('a short leg (negative net) mirrors', () => {
    const e = new ExitEvaluator();
    e.upsert(leg({ netQuantity: -75 }));
    expect(e.evaluate([tick('NIFTY26D0825900CE', 120)]).breaches[0]?.breach.kind).toBe('SL');
  });
  it('stop moves are reported for an immediate write; best-only moves are batched', () => {
    const e = new ExitEvaluator();
    e.upsert(leg());
    const armed = e.evaluate([tick('NIFTY26D0825900CE', 110)]);
    expect(armed.stopMoves.map((l) => l.state.trailing)).toEqual([{ armed: true, stop: rs(100), best: rs(110) }]);
    expect(e.takeDirtyBests()).toEqual([]);
    expect(e.evaluate([tick('NIFTY26D0825900CE', 112)]).stopMoves).toEqual([]);
    expect(e.takeDirtyBests().map((l) => l.state.trailing.best)).toEqual([rs(112)]);
    expect(e.takeDirtyBests()).toEqual([]);
    // One batch that moves the best and then the stop reports the stop only (it carries the best).
    const both = e.evaluate([tick('NIFTY26D0825900CE', 113), tick('NIFTY26D0825900CE', 120)]);
    expect(both.stopMoves.map((l) => l.state.trailing)).toEqual([{ armed: true, stop: rs(105), best: rs(120) }]);
    expect(e.takeDirtyBests()).toEqual([]);
  });
  it('a reload of the same generation keeps the in-memory trailing state and takes the new entry; a new generation starts from the stored state', () => {
    const e = new ExitEvaluator();
    e.upsert(leg());
    e.evaluate([tick('NIFTY26D0825900CE', 125)]);
    const stale = { armed: true, stop: rs(100), best: rs(110) };
    const kept = e.upsert(leg({ trailing: stale, averageEntry: rs(101), netQuantity: 300 }))!;
    expect(kept.state.trailing).toEqual({ armed: true, stop: rs(110), best: rs(125) });
    expect(kept.plan.entry).toBe(rs(101));
    const next = e.upsert(leg({ generation: 2, trailing: UNARMED }))!;
    expect(next.state.trailing).toEqual(UNARMED);
    expect(e.size).toBe(1);
  });
  it('resumes from a persisted state (a restart): armed at 110, exits at the stop', () => {
    const e = new ExitEvaluator();
    e.upsert(leg({ trailing: { armed: true, stop: rs(110), best: rs(126) } }));
    expect(e.evaluate([tick('NIFTY26D0825900CE', 111)]).breaches).toEqual([]);
    expect(e.evaluate([tick('NIFTY26D0825900CE', 110)]).breaches[0]?.breach).toEqual({ kind: 'TSL', level: rs(110), price: rs(110) });
  });
  it('skips ticks without a usable price; remove and clear', () => {
    const e = new ExitEvaluator();
    e.upsert(leg());
    expect(
      e.evaluate([
        { symbol: 'NIFTY26D0825900CE', ltp: 0 },
        { symbol: 'NIFTY26D0825900CE', ltp: 1.5 },
      ]).matched,
    ).toBe(0);
    e.remove('leg-1');
    e.remove('leg-1');
    expect(e.size).toBe(0);
    e.upsert(leg());
    e.clear();
    expect([e.size, e.legIds()]).toEqual([0, []]);
  });
});
