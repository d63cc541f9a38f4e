/*
 * How a delivery reads in the log (docs/alerts.md "Intake", "Processing", "Engines"): its steps in
 * pipeline order with the ones still to come, timings, and the engines' decision records as the
 * worker stores them (engine A's rules, engine B's agents). Pure.
 */
import type { WebhookDeliveryDto } from '@tradeloop/contracts';

/** The pipeline a delivery walks, in order; `filled` and `rejected` are the two ends after `ordered`. */
export const PIPELINE = ['received', 'authenticated', 'deduplicated', 'routed', 'decided', 'ordered', 'filled'] as const;

export const STEP_LABEL: Record<string, string> = {
  received: 'Received',
  authenticated: 'Authenticated',
  deduplicated: 'Deduplicated',
  routed: 'Routed',
  decided: 'Decided',
  ordered: 'Ordered',
  filled: 'Filled',
  rejected: 'Rejected',
  intake_rejected: 'Refused at intake',
  duplicate: 'Duplicate',
};

export type StepState = 'done' | 'failed' | 'pending' | 'skipped';

export interface StepRow {
  step: string;
  label: string;
  state: StepState;
  /** Milliseconds since received (null: not reached). */
  elapsedMs: number | null;
  /** Milliseconds since the previous step reached (null for the first or one not reached). */
  deltaMs: number | null;
  at: string | null;
  detail: string | null;
}

/** Statuses after which nothing more happens to a delivery. */
export function isDeliveryDone(d: Pick<WebhookDeliveryDto, 'status' | 'decision' | 'engine'>): boolean {
  if (['filled', 'rejected', 'intake_rejected', 'duplicate'].includes(d.status)) return true;
  // A SKIP ends the delivery `decided`; so does an EXIT alert (its exits carry on, per position).
  const verdict = decisionVerdict(d.decision);
  return d.status === 'decided' && (verdict === 'SKIP' || verdict === 'EXIT');
}

/**
 * The rows the log shows: every recorded step in order, then the pipeline's steps not reached yet
 * (pending while the delivery is live, skipped once it has ended).
 */
export function stepRows(d: Pick<WebhookDeliveryDto, 'status' | 'steps' | 'decision' | 'engine'>): StepRow[] {
  const rows: StepRow[] = [];
  let previous: number | null = null;
  for (const s of d.steps) {
    rows.push({
      step: s.step,
      label: STEP_LABEL[s.step] ?? s.step,
      state: s.outcome === 'ok' ? 'done' : 'failed',
      elapsedMs: s.elapsedMs,
      deltaMs: previous === null ? null : Math.max(0, s.elapsedMs - previous),
      at: s.at,
      detail: s.detail,
    });
    previous = s.elapsedMs;
  }
  const seen = new Set(d.steps.map((s) => s.step));
  const ended = isDeliveryDone(d);
  const failed = d.steps.some((s) => s.outcome !== 'ok') || seen.has('rejected');
  if (failed || ['intake_rejected', 'duplicate'].includes(d.status)) return rows;
  const reachedIndex = Math.max(-1, ...d.steps.map((s) => PIPELINE.indexOf(s.step as (typeof PIPELINE)[number])));
  for (const step of PIPELINE.slice(reachedIndex + 1)) {
    if (seen.has(step)) continue;
    rows.push({
      step,
      label: STEP_LABEL[step] ?? step,
      state: ended ? 'skipped' : 'pending',
      elapsedMs: null,
      deltaMs: null,
      at: null,
      detail: null,
    });
  }
  return rows;
}

/** "0.4 ms", "12 ms", "1.25 s". */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 10) / 100} s`;
}

export interface RuleView {
  rule: string;
  pass: boolean;
  reason: string;
}

export interface AgentView {
  agent: string;
  vote: string;
  weight: number | null;
  confidence: number | null;
  support: number | null;
  contribution: number | null;
  reasons: string[];
  riskScore: number | null;
  veto: boolean;
}

export type DecisionView =
  | { kind: 'A'; verdict: string; rules: RuleView[]; failed: string[] }
  | {
      kind: 'B';
      verdict: string;
      total: number | null;
      entryThreshold: number | null;
      veto: boolean;
      vetoReasons: string[];
      agents: AgentView[];
    }
  | { kind: 'other'; verdict: string | null; raw: Record<string, unknown> };

const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const record = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** ENTER / SKIP of a stored decision (null when it has none). */
export function decisionVerdict(decision: Record<string, unknown> | null): string | null {
  if (!decision) return null;
  return str(decision['decision']) ?? str(decision['verdict']);
}

/** A stored decision record as the log shows it; a shape it does not know is shown as it is. */
export function readDecision(decision: Record<string, unknown> | null): DecisionView | null {
  if (!decision) return null;
  const verdict = decisionVerdict(decision);
  if (decision['engine'] === 'A' && Array.isArray(decision['rules'])) {
    const rules = decision['rules']
      .map(record)
      .filter((r): r is Record<string, unknown> => r !== null)
      .map((r) => ({ rule: str(r['rule']) ?? '?', pass: r['pass'] === true, reason: str(r['reason']) ?? '' }));
    return { kind: 'A', verdict: verdict ?? '?', rules, failed: rules.filter((r) => !r.pass).map((r) => r.rule) };
  }
  if (decision['engine'] === 'B' && Array.isArray(decision['agents'])) {
    const agents = decision['agents']
      .map(record)
      .filter((r): r is Record<string, unknown> => r !== null)
      .map((r) => ({
        agent: str(r['agent']) ?? '?',
        vote: str(r['vote']) ?? '?',
        weight: num(r['weight']),
        confidence: num(r['confidence']),
        support: num(r['support']),
        contribution: num(r['contribution']),
        reasons: strings(r['reasons']),
        riskScore: num(r['riskScore']),
        veto: r['veto'] === true,
      }));
    return {
      kind: 'B',
      verdict: verdict ?? '?',
      total: num(decision['total']),
      entryThreshold: num(decision['entryThreshold']),
      veto: decision['veto'] === true,
      vetoReasons: strings(decision['vetoReasons']),
      agents,
    };
  }
  return { kind: 'other', verdict, raw: decision };
}

/** The engine a decision record is from ("A" / "B"), or null. */
export function decisionEngine(decision: Record<string, unknown> | null): string | null {
  const e = decision?.['engine'];
  return e === 'A' || e === 'B' ? e : null;
}
