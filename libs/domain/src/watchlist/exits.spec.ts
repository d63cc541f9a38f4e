import fc from 'fast-check';
import { exitLevels, exitPlan, exitSettingsOf, legSideOf, stepExit, UNARMED, type ExitPlan, type ExitSettings, type ExitState } from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks
const fresh: ExitState = { trailing: UNARMED, breach: null };

/** The browser test's NIFTY profile: TP 30, SL 20, trailing arm 10 / trail 15 / step 5. */
const profile: ExitSettings = { tpPerUnit: rs(30), slPerUnit: rs(20), trailing: { armAfter: rs(10), trailBy: rs(15), step: rs(5) } };
const long = exitPlan(profile, rs(100), 'LONG');
const short = exitPlan(profile, rs(100), 'SHORT');

/** Runs a price path; returns every step. */
function run(plan: ExitPlan, prices: number[], start: ExitState = fresh) {
  const steps = [];
  let s = start;
  for (const p of prices) {
    const step = stepExit(plan, s, rs(p));
    steps.push(step);
    s = step.state;
  }
  return steps;
}
const last = <T>(a: T[]): T => a[a.length - 1]!;

describe('exit settings from a leg snapshot', () => {
  it('reads bare values and { value, source } entries, rupees into ticks', () => {
    expect(
      exitSettingsOf({
        tpPerUnit: { value: '30', source: 'index' },
        slPerUnit: '12.5',
        tslEnabled: { value: true, source: 'user' },
        tslArmAfter: '0',
        tslTrailBy: '15.05',
        tslStep: { value: '5', source: 'global' },
      }),
    ).toEqual({ tpPerUnit: rs(30), slPerUnit: rs(12.5), trailing: { armAfter: 0, trailBy: rs(15.05), step: rs(5) } });
  });
  it('a missing, null, zero or unreadable TP / SL is off', () => {
    expect(exitSettingsOf({})).toEqual({ tpPerUnit: null, slPerUnit: null, trailing: null });
    expect(exitSettingsOf({ tpPerUnit: null, slPerUnit: '0' })).toMatchObject({ tpPerUnit: null, slPerUnit: null });
    expect(exitSettingsOf({ tpPerUnit: 30, slPerUnit: '-5' })).toMatchObject({ tpPerUnit: null, slPerUnit: null });
    expect(exitSettingsOf({ tpPerUnit: { value: null, source: 'click' } })).toMatchObject({ tpPerUnit: null });
  });
  it('the trailing stop is on only when enabled with arm-after, trail-by and a step ≤ trail-by', () => {
    const on = { tslEnabled: true, tslArmAfter: '10', tslTrailBy: '15', tslStep: '5' };
    expect(exitSettingsOf(on).trailing).not.toBeNull();
    expect(exitSettingsOf({ ...on, tslEnabled: false }).trailing).toBeNull();
    expect(exitSettingsOf({ ...on, tslEnabled: 'true' }).trailing).toBeNull();
    expect(exitSettingsOf({ ...on, tslArmAfter: undefined }).trailing).toBeNull();
    expect(exitSettingsOf({ ...on, tslTrailBy: '0' }).trailing).toBeNull();
    expect(exitSettingsOf({ ...on, tslStep: '0' }).trailing).toBeNull();
    expect(exitSettingsOf({ ...on, tslStep: '15' }).trailing).not.toBeNull();
    expect(exitSettingsOf({ ...on, tslStep: '15.0001' }).trailing).toBeNull();
  });
});

describe('exit levels', () => {
  it('long: TP above, SL below the entry; short mirrored; off is null', () => {
    expect(exitLevels(profile, rs(100), 'LONG')).toEqual({ tp: rs(130), sl: rs(80) });
    expect(exitLevels(profile, rs(100), 'SHORT')).toEqual({ tp: rs(70), sl: rs(120) });
    expect(exitLevels({ tpPerUnit: null, slPerUnit: null, trailing: null }, rs(100), 'LONG')).toEqual({ tp: null, sl: null });
  });
  it('refuses a non-integer or non-positive entry', () => {
    expect(() => exitLevels(profile, 100.5, 'LONG')).toThrow(RangeError);
    expect(() => exitLevels(profile, 0, 'LONG')).toThrow(RangeError);
  });
  it('legSideOf', () => {
    expect([legSideOf(3), legSideOf(-3), legSideOf(0)]).toEqual(['LONG', 'SHORT', null]);
  });
});

describe('stepExit: TP and SL', () => {
  it('long: quiet between the levels, TP at or above, SL at or below', () => {
    const plain = exitPlan({ ...profile, trailing: null }, rs(100), 'LONG');
    expect(run(plain, [100, 129.9999, 80.0001]).map((s) => [s.breach, s.persist])).toEqual([
      [null, 'none'],
      [null, 'none'],
      [null, 'none'],
    ]);
    expect(stepExit(long, fresh, rs(130)).breach).toEqual({ kind: 'TP', level: rs(130), price: rs(130) });
    expect(stepExit(long, fresh, rs(131)).breach).toEqual({ kind: 'TP', level: rs(130), price: rs(131) });
    expect(stepExit(long, fresh, rs(80)).breach).toEqual({ kind: 'SL', level: rs(80), price: rs(80) });
    expect(stepExit(long, fresh, rs(70)).breach).toEqual({ kind: 'SL', level: rs(80), price: rs(70) });
  });
  it('short mirrors: TP at or below, SL at or above', () => {
    expect(stepExit(short, fresh, rs(70)).breach).toEqual({ kind: 'TP', level: rs(70), price: rs(70) });
    expect(stepExit(short, fresh, rs(120)).breach).toEqual({ kind: 'SL', level: rs(120), price: rs(120) });
    expect(stepExit(short, fresh, rs(119.9999)).breach).toBeNull();
    expect(stepExit(short, fresh, rs(70.0001)).breach).toBeNull();
  });
  it('with TP and SL off nothing breaches and, without trailing, nothing changes', () => {
    const none = exitPlan({ tpPerUnit: null, slPerUnit: null, trailing: null }, rs(100), 'LONG');
    for (const p of [1, 100, 1000]) expect(stepExit(none, fresh, rs(p))).toEqual({ state: fresh, persist: 'none', breach: null });
  });
  it('TP only / SL only', () => {
    const tpOnly = exitPlan({ tpPerUnit: rs(30), slPerUnit: null, trailing: null }, rs(100), 'LONG');
    expect(stepExit(tpOnly, fresh, rs(1)).breach).toBeNull();
    expect(stepExit(tpOnly, fresh, rs(130))?.breach?.kind).toBe('TP');
    const slOnly = exitPlan({ tpPerUnit: null, slPerUnit: rs(20), trailing: null }, rs(100), 'LONG');
    expect(stepExit(slOnly, fresh, rs(10_000)).breach).toBeNull();
    expect(stepExit(slOnly, fresh, rs(80))?.breach?.kind).toBe('SL');
  });
  it('a breach is kept in the state and reported once: a tick storm exits once', () => {
    const steps = run(long, [100, 131, 131, 140, 60, 131, ...Array.from({ length: 1000 }, (_, i) => 60 + (i % 90))]);
    expect(steps.filter((s) => s.breach !== null)).toHaveLength(1);
    expect(steps[1]!.breach).toEqual({ kind: 'TP', level: rs(130), price: rs(131) });
    expect(last(steps).state.breach).toEqual({ kind: 'TP', level: rs(130), price: rs(131) });
    expect(steps.slice(2).every((s) => s.persist === 'none' && s.state === steps[1]!.state)).toBe(true);
  });
  it('refuses a non-integer or non-positive LTP', () => {
    expect(() => stepExit(long, fresh, 1.5)).toThrow(RangeError);
    expect(() => stepExit(long, fresh, 0)).toThrow(RangeError);
    expect(() => stepExit(long, fresh, Number.NaN)).toThrow(RangeError);
  });
});

describe('stepExit: the trailing stop (long)', () => {
  it('does not arm below arm-after; arms at it with the stop at break-even and best = LTP', () => {
    const [below, at] = run(long, [109.9999, 110]);
    expect(below).toEqual({ state: fresh, persist: 'none', breach: null });
    expect(at!.state.trailing).toEqual({ armed: true, stop: rs(100), best: rs(110) });
    expect(at!.persist).toBe('stop');
  });
  it('the arming tick never breaches, even with arm-after 0 at the entry itself', () => {
    const zero = exitPlan({ ...profile, trailing: { armAfter: 0, trailBy: rs(15), step: rs(5) } }, rs(100), 'LONG');
    const [arm, next] = run(zero, [100, 100]);
    expect(arm!.breach).toBeNull();
    expect(arm!.state.trailing).toEqual({ armed: true, stop: rs(100), best: rs(100) });
    expect(next!.breach).toEqual({ kind: 'TSL', level: rs(100), price: rs(100) });
  });
  it('trails best − trail-by in whole steps from the entry, only up', () => {
    // entry 100, trail 15, step 5: best 110 → stop 100 (break-even); 119.99 → still 100 (gain 4.99 < step);
    // 120 → 105; 124 → 105 (best moves, stop not); 125 → 110; 123 (lower, no change); 129 → 110.
    const steps = run(long, [110, 119.99, 120, 124, 125, 123, 129.9999]);
    expect(steps.map((s) => [s.state.trailing.stop, s.state.trailing.best, s.persist])).toEqual([
      [rs(100), rs(110), 'stop'],
      [rs(100), rs(119.99), 'best'],
      [rs(105), rs(120), 'stop'],
      [rs(105), rs(124), 'best'],
      [rs(110), rs(125), 'stop'],
      [rs(110), rs(125), 'none'],
      [rs(110), rs(129.9999), 'best'],
    ]);
    expect(steps.every((s) => s.breach === null)).toBe(true);
  });
  it('arming far beyond arm-after trails at once from the arming tick', () => {
    const wide = exitPlan({ tpPerUnit: null, slPerUnit: rs(20), trailing: profile.trailing }, rs(100), 'LONG');
    const [arm] = run(wide, [127]);
    // 127 − 15 = 112 → floored to 110.
    expect(arm!.state.trailing).toEqual({ armed: true, stop: rs(110), best: rs(127) });
  });
  it('exits at the stop: TSL breach at or below it, above the SL', () => {
    const steps = run(long, [110, 125, 110.0001, 110]);
    expect(steps[2]!.breach).toBeNull();
    expect(steps[3]!.breach).toEqual({ kind: 'TSL', level: rs(110), price: rs(110) });
  });
  it('a gap through both the stop and the SL is reported as the trailing stop (it binds first)', () => {
    const steps = run(long, [110, 50]);
    expect(steps[1]!.breach).toEqual({ kind: 'TSL', level: rs(100), price: rs(50) });
  });
  it('a TP still fires while armed', () => {
    const steps = run(long, [110, 125, 130]);
    expect(steps[2]!.breach).toEqual({ kind: 'TP', level: rs(130), price: rs(130) });
  });
  it('resumes from a persisted state (restart): the stop never moves back', () => {
    const persisted: ExitState = { trailing: { armed: true, stop: rs(110), best: rs(126) }, breach: null };
    const [lower, higher] = run(long, [121, 131 - 1.0001], persisted);
    expect(lower).toEqual({ state: persisted, persist: 'none', breach: null });
    // best 129.9999 → 114.9999 → floored to 110: best moved, stop unchanged.
    expect(higher!.state.trailing).toEqual({ armed: true, stop: rs(110), best: rs(129.9999) });
    expect(higher!.persist).toBe('best');
    expect(stepExit(long, persisted, rs(110))?.breach?.kind).toBe('TSL');
  });
  it('an armed state without a best (older row) takes the next LTP as its best', () => {
    const s: ExitState = { trailing: { armed: true, stop: rs(100), best: null }, breach: null };
    expect(stepExit(long, s, rs(121)).state.trailing).toEqual({ armed: true, stop: rs(105), best: rs(121) });
    expect(stepExit(long, s, rs(105)).state.trailing).toEqual({ armed: true, stop: rs(100), best: rs(105) });
    expect(stepExit(long, s, rs(105)).persist).toBe('best');
  });
  it('an armed state without a stop (not a valid row) trails from break-even', () => {
    const s: ExitState = { trailing: { armed: true, stop: null, best: rs(110) }, breach: null };
    expect(stepExit(long, s, rs(120)).state.trailing).toEqual({ armed: true, stop: rs(105), best: rs(120) });
  });
  it('a stop ahead of what the trail would give (a snapshot with another trail) is kept, not pulled back', () => {
    const s: ExitState = { trailing: { armed: true, stop: rs(120), best: rs(125) }, breach: null };
    // best 130 − 15 = 115 < 120: the best moves, the stop stays.
    expect(stepExit(long, s, rs(129)).state.trailing).toEqual({ armed: true, stop: rs(120), best: rs(129) });
  });
  it('without trailing settings nothing arms', () => {
    const plain = exitPlan({ ...profile, trailing: null }, rs(100), 'LONG');
    expect(run(plain, [110, 125, 110]).every((s) => !s.state.trailing.armed && s.breach === null && s.persist === 'none')).toBe(true);
  });
});

describe('stepExit: the trailing stop (short, mirrored)', () => {
  it('arms at entry − arm-after, trails best + trail-by in steps, only down, exits at or above the stop', () => {
    const steps = run(short, [90.0001, 90, 80, 76, 75, 79, 85, 85.0001]);
    expect(steps.map((s) => [s.state.trailing.stop, s.state.trailing.best, s.persist, s.breach?.kind ?? null])).toEqual([
      [null, null, 'none', null],
      [rs(100), rs(90), 'stop', null],
      [rs(95), rs(80), 'stop', null],
      [rs(95), rs(76), 'best', null],
      [rs(90), rs(75), 'stop', null],
      [rs(90), rs(75), 'none', null],
      [rs(90), rs(75), 'none', null],
      [rs(90), rs(75), 'none', null],
    ]);
    expect(stepExit(short, steps[4]!.state, rs(90)).breach).toEqual({ kind: 'TSL', level: rs(90), price: rs(90) });
  });
});

describe('stepExit: properties', () => {
  const trailing = fc.record({
    armAfter: fc.integer({ min: 0, max: 500_000 }),
    trailBy: fc.integer({ min: 1, max: 500_000 }),
    step: fc.integer({ min: 1, max: 500_000 }),
  });
  it('at most one breach; the stop moves only favourably, in whole steps from the entry, never behind break-even', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'LONG' | 'SHORT'>('LONG', 'SHORT'),
        fc.integer({ min: 1_000_000, max: 2_000_000 }),
        trailing.filter((t) => t.step <= t.trailBy),
        fc.option(fc.integer({ min: 1, max: 900_000 }), { nil: null }),
        fc.option(fc.integer({ min: 1, max: 900_000 }), { nil: null }),
        fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 200 }),
        (side, entry, tsl, tp, sl, prices) => {
          const plan = exitPlan({ tpPerUnit: tp, slPerUnit: sl, trailing: tsl }, entry, side);
          const dir = side === 'LONG' ? 1 : -1;
          let s = fresh;
          let breaches = 0;
          for (const p of prices) {
            const step = stepExit(plan, s, p);
            if (step.breach) breaches++;
            const before = s.trailing;
            const after = step.state.trailing;
            if (after.armed) {
              expect(dir * (after.stop! - entry)).toBeGreaterThanOrEqual(0);
              expect(Math.abs((after.stop! - entry) % tsl.step)).toBe(0);
              if (before.armed) expect(dir * (after.stop! - before.stop!)).toBeGreaterThanOrEqual(0);
            }
            if (before.armed) expect(after.armed).toBe(true);
            expect(step.persist === 'stop').toBe(after.stop !== before.stop || after.armed !== before.armed);
            s = step.state;
          }
          expect(breaches).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
