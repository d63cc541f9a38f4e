import fc from 'fast-check';
import { planDelta, targetPosition, workingQuantity, type DeltaAction, type WorkingOrder } from '.';

const w = (orderId: string, remaining: number, amendable = true, quantity = Math.abs(remaining)): WorkingOrder => ({
  orderId,
  remaining,
  quantity,
  amendable,
});

describe('targetPosition', () => {
  it('BUY adds a step, SELL takes one, EXIT is flat', () => {
    expect(targetPosition('BUY', 65, 65, 650)).toBe(130);
    expect(targetPosition('SELL', 65, 65, 650)).toBe(0);
    expect(targetPosition('SELL', 0, 65, 650)).toBe(-65);
    expect(targetPosition('EXIT', 130, 65, 650)).toBe(0);
  });
  it('is capped at ±max', () => {
    expect(targetPosition('BUY', 600, 65, 650)).toBe(650);
    expect(targetPosition('SELL', -600, 65, 650)).toBe(-650);
  });
});

describe('planDelta', () => {
  it('nothing when filled + working meet the target', () => {
    expect(planDelta(130, 65, [w('a', 65)])).toEqual([]);
    expect(planDelta(0, 0, [])).toEqual([]);
  });

  it('places the need when nothing works', () => {
    expect(planDelta(65, 0, [])).toEqual([{ kind: 'place', side: 'BUY', quantity: 65 }]);
    expect(planDelta(0, 65, [])).toEqual([{ kind: 'place', side: 'SELL', quantity: 65 }]);
  });

  it('raises an amendable working order in the need’s direction instead of stacking', () => {
    expect(planDelta(130, 0, [w('a', 65)])).toEqual([{ kind: 'amend', orderId: 'a', quantity: 130, delta: 65 }]);
    // Partly filled: the order's total quantity grows by the need.
    expect(planDelta(195, 30, [w('a', 35, true, 65)])).toEqual([{ kind: 'amend', orderId: 'a', quantity: 195, delta: 130 }]);
    expect(planDelta(-130, 0, [w('s', -65)])).toEqual([{ kind: 'amend', orderId: 's', quantity: 130, delta: -65 }]);
  });

  it('places a new order when no working order in the direction can be amended', () => {
    expect(planDelta(130, 0, [w('a', 65, false)])).toEqual([{ kind: 'place', side: 'BUY', quantity: 65 }]);
    expect(planDelta(130, 0, [w('a', 30, false), w('b', 35)])).toEqual([{ kind: 'amend', orderId: 'b', quantity: 100, delta: 65 }]);
  });

  it('cancels working orders against the residual first', () => {
    // Long 130 with a sell working; EXIT: the sell is along, raised.
    expect(planDelta(0, 130, [w('s', -65)])).toEqual([{ kind: 'amend', orderId: 's', quantity: 130, delta: -65 }]);
    // A buy working while the residual is a sell: cancelled, then the sell placed.
    expect(planDelta(0, 65, [w('b', 65)])).toEqual([
      { kind: 'cancel', orderId: 'b' },
      { kind: 'place', side: 'SELL', quantity: 65 },
    ]);
    // The residual is a buy; a sell working: cancelled, then the buy amended onto the working buy.
    expect(planDelta(130, 0, [w('s', -65), w('b', 65)])).toEqual([
      { kind: 'cancel', orderId: 's' },
      { kind: 'amend', orderId: 'b', quantity: 130, delta: 65 },
    ]);
  });

  it('cancels everything when the residual is zero', () => {
    expect(planDelta(0, 0, [w('b', 65), w('s', -30)])).toEqual([
      { kind: 'cancel', orderId: 'b' },
      { kind: 'cancel', orderId: 's' },
    ]);
  });

  it('cancels only what is against when what is along meets the residual exactly', () => {
    expect(planDelta(65, 0, [w('b', 65), w('s', -65)])).toEqual([{ kind: 'cancel', orderId: 's' }]);
  });

  it('replaces orders along the residual that carry more than it (cancel, then one order)', () => {
    expect(planDelta(65, 0, [w('b', 130)])).toEqual([
      { kind: 'cancel', orderId: 'b' },
      { kind: 'place', side: 'BUY', quantity: 65 },
    ]);
  });

  it('property: after the actions, filled + working equals the target (cancels remove, amends and places add)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: -20, max: 20 }),
        fc.array(fc.record({ remaining: fc.integer({ min: -10, max: 10 }).filter((n) => n !== 0), amendable: fc.boolean() }), {
          maxLength: 4,
        }),
        (target, filled, ws) => {
          const working = ws.map((o, i) => w(`o${i}`, o.remaining, o.amendable));
          const actions: DeltaAction[] = planDelta(target, filled, working);
          let after = workingQuantity(working);
          const cancelled = new Set<string>();
          let placed = 0;
          for (const a of actions) {
            if (a.kind === 'cancel') {
              expect(cancelled.has(a.orderId)).toBe(false);
              cancelled.add(a.orderId);
              after -= working.find((o) => o.orderId === a.orderId)!.remaining;
            } else if (a.kind === 'amend') {
              expect(cancelled.has(a.orderId)).toBe(false);
              const o = working.find((x) => x.orderId === a.orderId)!;
              expect(o.amendable).toBe(true);
              expect(Math.sign(a.delta)).toBe(Math.sign(o.remaining));
              expect(a.quantity).toBe(o.quantity + Math.abs(a.delta));
              after += a.delta;
              placed += 1;
            } else {
              after += a.side === 'BUY' ? a.quantity : -a.quantity;
              placed += 1;
            }
          }
          expect(filled + after).toBe(target);
          // At most one order carries the need: never stacked.
          expect(placed).toBeLessThanOrEqual(1);
          // Once it acts, nothing still working points away from the residual (a working set that
          // already nets to the target is left alone).
          if (actions.length > 0)
            for (const o of working) if (!cancelled.has(o.orderId)) expect(Math.sign(o.remaining)).toBe(Math.sign(target - filled));
        },
      ),
    );
  });
});
