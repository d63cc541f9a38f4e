import { describe, expect, it } from 'vitest';
import { decisionEngine, formatMs, isDeliveryDone, readDecision, stepRows } from './delivery-view';

const step = (s: string, elapsedMs: number, outcome: 'ok' | 'rejected' | 'duplicate' = 'ok', detail: string | null = null) => ({
  step: s as never,
  at: new Date(Date.UTC(2026, 11, 7, 4, 0, 0, elapsedMs)).toISOString(),
  outcome,
  detail,
  elapsedMs,
});

describe('stepRows', () => {
  it('lists the recorded steps with their timings, then the steps still to come as pending', () => {
    const rows = stepRows({
      status: 'routed',
      engine: 'A',
      decision: null,
      steps: [step('received', 0), step('authenticated', 0.4), step('deduplicated', 1.2), step('routed', 7, 'ok', 'engine A')],
    });
    expect(rows.map((r) => [r.step, r.state])).toEqual([
      ['received', 'done'],
      ['authenticated', 'done'],
      ['deduplicated', 'done'],
      ['routed', 'done'],
      ['decided', 'pending'],
      ['ordered', 'pending'],
      ['filled', 'pending'],
    ]);
    expect(rows[3]).toMatchObject({ elapsedMs: 7, deltaMs: 5.8, detail: 'engine A' });
    expect(rows[0]!.deltaMs).toBeNull();
    expect(rows[4]).toMatchObject({ elapsedMs: null, at: null });
  });

  it('a SKIP ends the delivery decided: the steps after it are skipped, not waited for', () => {
    const d = {
      status: 'decided' as const,
      engine: 'B' as const,
      decision: { engine: 'B', decision: 'SKIP' },
      steps: [step('received', 0), step('decided', 9)],
    };
    expect(isDeliveryDone(d)).toBe(true);
    expect(stepRows(d).map((r) => [r.step, r.state])).toEqual([
      ['received', 'done'],
      ['decided', 'done'],
      ['ordered', 'skipped'],
      ['filled', 'skipped'],
    ]);
  });

  it('an EXIT alert ends the delivery decided too (its exits carry on per position)', () => {
    const d = {
      status: 'decided' as const,
      engine: 'A' as const,
      decision: { decision: 'EXIT', positions: ['p1'], ltp: 1_000_000 },
      steps: [step('received', 0), step('routed', 3), step('decided', 9, 'ok', 'EXIT: 1 open position on INFY')],
    };
    expect(isDeliveryDone(d)).toBe(true);
    expect(stepRows(d).map((r) => [r.step, r.state])).toEqual([
      ['received', 'done'],
      ['routed', 'done'],
      ['decided', 'done'],
      ['ordered', 'skipped'],
      ['filled', 'skipped'],
    ]);
    expect(isDeliveryDone({ ...d, decision: { decision: 'ENTER' } })).toBe(false);
  });

  it('a refusal or a rejection ends the list at the failed step', () => {
    expect(
      stepRows({
        status: 'intake_rejected',
        engine: null,
        decision: null,
        steps: [step('received', 0), step('intake_rejected', 1, 'rejected', 'bad signature')],
      }).map((r) => [r.step, r.state, r.detail]),
    ).toEqual([
      ['received', 'done', null],
      ['intake_rejected', 'failed', 'bad signature'],
    ]);
    const rejected = stepRows({
      status: 'rejected',
      engine: 'A',
      decision: null,
      steps: [step('ordered', 3), step('rejected', 20, 'rejected', 'RMS')],
    });
    expect(rejected.map((r) => r.state)).toEqual(['done', 'failed']);
  });

  it('a filled delivery has nothing pending', () => {
    const steps = ['received', 'authenticated', 'deduplicated', 'routed', 'decided', 'ordered', 'filled'].map((s, i) => step(s, i * 2));
    const rows = stepRows({ status: 'filled', engine: 'A', decision: null, steps });
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    expect(rows).toHaveLength(7);
  });
});

describe('isDeliveryDone', () => {
  it.each([
    ['filled', true],
    ['rejected', true],
    ['intake_rejected', true],
    ['duplicate', true],
    ['ordered', false],
    ['routed', false],
  ] as const)('%s → %s', (status, done) => expect(isDeliveryDone({ status, engine: null, decision: null })).toBe(done));
  it('decided with ENTER is still moving', () =>
    expect(isDeliveryDone({ status: 'decided', engine: 'A', decision: { decision: 'ENTER' } })).toBe(false));
});

describe('formatMs', () => {
  it.each([
    [0.44, '0.4 ms'],
    [12.4, '12 ms'],
    [1250, '1.25 s'],
    [null, '—'],
  ])('%s → %s', (ms, text) => expect(formatMs(ms)).toBe(text));
});

describe('readDecision', () => {
  it("reads engine A's rules, pass and fail", () => {
    const view = readDecision({
      engine: 'A',
      decision: 'SKIP',
      rules: [
        { rule: 'SESSION_WINDOW', pass: false, reason: 'outside 09:20–15:00' },
        { rule: 'ALLOWED_SYMBOL', pass: true, reason: 'any symbol' },
      ],
      failed: ['SESSION_WINDOW'],
      at: 1,
    });
    expect(view).toEqual({
      kind: 'A',
      verdict: 'SKIP',
      rules: [
        { rule: 'SESSION_WINDOW', pass: false, reason: 'outside 09:20–15:00' },
        { rule: 'ALLOWED_SYMBOL', pass: true, reason: 'any symbol' },
      ],
      failed: ['SESSION_WINDOW'],
    });
  });

  it("reads engine B's agents, the weighted total and the veto", () => {
    const view = readDecision({
      engine: 'B',
      decision: 'SKIP',
      total: 61.5,
      entryThreshold: 60,
      veto: true,
      vetoReasons: ['risk score 85 > 80'],
      agents: [
        {
          agent: 'risk',
          vote: 'SKIP',
          confidence: 85,
          support: 15,
          reasons: ['exposure high'],
          riskScore: 85,
          veto: true,
          weight: 30,
          contribution: 4.5,
        },
        { agent: 'technical', vote: 'ENTER', confidence: 70, support: 70, reasons: [], weight: 25, contribution: 17.5 },
      ],
    });
    expect(view?.kind).toBe('B');
    if (view?.kind !== 'B') return;
    expect(view).toMatchObject({ verdict: 'SKIP', total: 61.5, entryThreshold: 60, veto: true, vetoReasons: ['risk score 85 > 80'] });
    expect(view.agents[0]).toEqual({
      agent: 'risk',
      vote: 'SKIP',
      weight: 30,
      confidence: 85,
      support: 15,
      contribution: 4.5,
      reasons: ['exposure high'],
      riskScore: 85,
      veto: true,
    });
    expect(view.agents[1]).toMatchObject({ agent: 'technical', riskScore: null, veto: false });
  });

  it('shows a shape it does not know as it is; null stays null', () => {
    expect(readDecision({ verdict: 'ENTER', x: 1 })).toEqual({ kind: 'other', verdict: 'ENTER', raw: { verdict: 'ENTER', x: 1 } });
    expect(readDecision(null)).toBeNull();
    expect(decisionEngine({ engine: 'B' })).toBe('B');
    expect(decisionEngine({ engine: 'C' })).toBeNull();
  });
});
