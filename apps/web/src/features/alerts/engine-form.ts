/*
 * The engines config form (docs/alerts.md "Engines"; docs/api.md "Engines"): the config as text
 * fields keyed by the server's field paths ("a.session.from", "b.weights.risk", "exit.targetPct"),
 * so a 400's field errors land under their inputs, and back to the PUT body. Pure.
 */
import type { EngineConfigDto, PutEngineConfigRequest } from '@tradeloop/contracts';

export const AGENTS = ['context', 'technical', 'risk', 'orb', 'pattern', 'squeeze', 'ml'] as const;
export type Agent = (typeof AGENTS)[number];

export const AGENT_LABEL: Record<Agent, string> = {
  context: 'Context',
  technical: 'Technical',
  risk: 'Risk (veto)',
  orb: 'Opening-range breakout',
  pattern: 'Pattern',
  squeeze: 'Squeeze',
  ml: 'ML model score',
};

/** Exit tier fields that may be off (blank → null). */
export const EXIT_NULLABLE = [
  'stopLossPct',
  'maxHoldingMinutes',
  'minDaysToExpiry',
  'targetPct',
  'minAbsDelta',
  'minGamma',
  'minThetaPctPerDay',
  'minVega',
] as const;
export const EXIT_REQUIRED = ['fillTimeoutMs', 'staleTickMs', 'rate'] as const;
export const B_NUMBERS = [
  'entryThreshold',
  'vetoThreshold',
  'trendLookback',
  'trendThresholdPct',
  'atrPctHigh',
  'lowBandwidthPercentile',
] as const;

export type EngineForm = Record<string, string>;

const text = (v: number | string | null | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The config as the form's text fields. */
export function toForm(c: Omit<EngineConfigDto, 'updatedAt'>): EngineForm {
  const f: EngineForm = {
    'a.session.from': c.a.session.from,
    'a.session.to': c.a.session.to,
    'a.allowedSymbols': c.a.allowedSymbols?.join(', ') ?? '',
    'a.directions.BUY': c.a.directions.includes('BUY') ? 'on' : '',
    'a.directions.SELL': c.a.directions.includes('SELL') ? 'on' : '',
    'a.limits.maxOpenPositions': text(c.a.limits.maxOpenPositions),
    'a.limits.maxExposure': c.a.limits.maxExposure,
    'b.limits.maxOpenPositions': text(c.b.limits.maxOpenPositions),
    'b.limits.maxExposure': c.b.limits.maxExposure,
  };
  for (const a of AGENTS) f[`b.weights.${a}`] = text(c.b.weights[a]);
  for (const k of B_NUMBERS) f[`b.${k}`] = text(c.b[k]);
  for (const k of [...EXIT_NULLABLE, ...EXIT_REQUIRED]) f[`exit.${k}`] = text(c.exit[k]);
  return f;
}

/** A number field: blank or not a number is sent as NaN → null, which the server refuses naming the field. */
const number = (s: string | undefined): number => (s === undefined || s.trim() === '' ? Number.NaN : Number(s.trim()));
const nullable = (s: string | undefined): number | null => (s === undefined || s.trim() === '' ? null : Number(s.trim()));

/** The PUT body: all three sections, whole. */
export function fromForm(f: EngineForm): Required<Pick<PutEngineConfigRequest, 'a' | 'b' | 'exit'>> {
  const symbols = [
    ...new Set(
      (f['a.allowedSymbols'] ?? '')
        .split(/[\s,]+/)
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== ''),
    ),
  ];
  const weights = Object.fromEntries(AGENTS.map((a) => [a, number(f[`b.weights.${a}`])])) as Record<Agent, number>;
  const b = Object.fromEntries(B_NUMBERS.map((k) => [k, number(f[`b.${k}`])])) as Record<(typeof B_NUMBERS)[number], number>;
  const exit = {
    ...(Object.fromEntries(EXIT_NULLABLE.map((k) => [k, nullable(f[`exit.${k}`])])) as Record<
      (typeof EXIT_NULLABLE)[number],
      number | null
    >),
    ...(Object.fromEntries(EXIT_REQUIRED.map((k) => [k, number(f[`exit.${k}`])])) as Record<(typeof EXIT_REQUIRED)[number], number>),
  };
  return {
    a: {
      session: { from: (f['a.session.from'] ?? '').trim(), to: (f['a.session.to'] ?? '').trim() },
      allowedSymbols: symbols.length === 0 ? null : symbols,
      directions: (['BUY', 'SELL'] as const).filter((d) => f[`a.directions.${d}`] === 'on'),
      limits: { maxOpenPositions: number(f['a.limits.maxOpenPositions']), maxExposure: (f['a.limits.maxExposure'] ?? '').trim() },
    },
    b: {
      weights,
      ...b,
      limits: { maxOpenPositions: number(f['b.limits.maxOpenPositions']), maxExposure: (f['b.limits.maxExposure'] ?? '').trim() },
    },
    exit,
  };
}

/** The weights' sum as typed (blank counts 0; null when one is not a number). */
export function weightsTotal(f: EngineForm): number | null {
  let total = 0;
  for (const a of AGENTS) {
    const s = (f[`b.weights.${a}`] ?? '').trim();
    if (s === '') continue;
    const n = Number(s);
    if (!Number.isFinite(n)) return null;
    total += n;
  }
  return Math.round(total * 100) / 100;
}
