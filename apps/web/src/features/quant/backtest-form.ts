import type { CreateBacktestInput, FILL_AT, STRATEGY_KINDS } from '@tradeloop/contracts';
import { epochToLocalInput, localInputToIso } from '../../lib/format';
import { MONEY_PROBLEM_MESSAGES, tryParsePositiveMoney, type Timeframe } from '@tradeloop/domain';

type Kind = (typeof STRATEGY_KINDS)[number];
type FillAt = (typeof FILL_AT)[number];

/** The backtest form as typed: text for numbers, so a half-typed value is kept as typed. */
export interface BacktestFormValues {
  kind: Kind;
  fast: string;
  slow: string;
  quantity: string;
  allowShort: boolean;
  modelId: string;
  symbols: string[];
  timeframe: Timeframe;
  /** `<input type="datetime-local">` values (wall times in the display zone, Account → Preferences). */
  from: string;
  to: string;
  fillAt: FillAt;
  slippageBps: string;
  /** Empty: orders fill whole. */
  maxParticipation: string;
  fees: boolean;
  /** Rupees, e.g. "100000" or "100000.00". */
  initialCapital: string;
  /** A sweep's out-of-sample share, percent of the range ("30"). */
  outOfSamplePct: string;
}

/** Errors keyed by the request field the server names (`strategy.params.fast`, `symbols`, …). */
export type FormErrors = Record<string, string>;

const POSITIVE_INT = /^\d+$/;

/** Most values one swept field may list (the server caps combinations with BACKTEST_MAX_SWEEP). */
export const SWEEP_LIST_MAX = 100;

/**
 * A period field as typed: one number ("5"), a list ("5,10,20") or a range ("5-20 step 5"; "5-8"
 * steps by 1). Values ascending, without repeats, each 1..max.
 */
export function parseIntList(text: string, max: number): { values: number[] } | { error: string } {
  const t = text.trim();
  const range = /^(\d+)\s*-\s*(\d+)(?:\s+step\s+(\d+))?$/i.exec(t);
  let values: number[];
  if (range) {
    const [a, b, step] = [Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3])];
    if (step < 1) return { error: 'a step of 1 or more' };
    if (a > b) return { error: 'a range from low to high, e.g. 5-20 step 5' };
    if ((b - a) / step + 1 > SWEEP_LIST_MAX) return { error: `at most ${SWEEP_LIST_MAX} values` };
    values = [];
    for (let x = a; x <= b; x += step) values.push(x);
  } else {
    const parts = t.split(',').map((x) => x.trim());
    if (parts.some((x) => !POSITIVE_INT.test(x)))
      return { error: parts.length > 1 ? 'whole numbers separated by commas, or a range like 5-20 step 5' : 'a whole number of 1 or more' };
    values = parts.map(Number);
  }
  values = [...new Set(values)].sort((a, b) => a - b);
  if (values.length > SWEEP_LIST_MAX) return { error: `at most ${SWEEP_LIST_MAX} values` };
  if (values.some((n) => n < 1)) return { error: 'a whole number of 1 or more' };
  const over = values.find((n) => n > max);
  if (over !== undefined) return { error: `at most ${max.toLocaleString('en-IN')}` };
  return { values };
}

/** The largest quantity the form takes. */
const MAX_QUANTITY = 1_000_000;

/**
 * How many child runs the form would start (1: a single backtest; 0: not valid yet): its quantity
 * values, × fast × slow for sma-crossover (ml-signal sweeps its quantity; docs/backtests.md "Sweeps").
 */
export function sweepCount(v: Pick<BacktestFormValues, 'kind' | 'fast' | 'slow' | 'quantity'>): number {
  const quantity = parseIntList(v.quantity, MAX_QUANTITY);
  if (!('values' in quantity)) return 0;
  if (v.kind !== 'sma-crossover') return quantity.values.length;
  const fast = parseIntList(v.fast, 500);
  const slow = parseIntList(v.slow, 1000);
  return 'values' in fast && 'values' in slow ? quantity.values.length * fast.values.length * slow.values.length : 0;
}

/** The fields the form would sweep (those holding more than one value), in the form's order. */
export function sweptFields(v: Pick<BacktestFormValues, 'kind' | 'fast' | 'slow' | 'quantity'>): string[] {
  const many = (text: string, max: number) => {
    const r = parseIntList(text, max);
    return 'values' in r && r.values.length > 1;
  };
  const fields: string[] = [];
  if (v.kind === 'sma-crossover') {
    if (many(v.fast, 500)) fields.push('fast');
    if (many(v.slow, 1000)) fields.push('slow');
  }
  if (many(v.quantity, MAX_QUANTITY)) fields.push('quantity');
  return fields;
}

/** "100000" → "100000.00"; anything else is passed on as typed (and checked as money). */
const asMoney = (text: string): string => {
  const t = text.trim().replace(/,/g, '');
  return /^\d+$/.test(t) ? `${t}.00` : /^\d+\.\d$/.test(t) ? `${t}0` : t;
};

/** A `datetime-local` value (a wall time in the display zone, like every date box) → ISO UTC, or null. */
const localToIso = localInputToIso;

/**
 * Client-side checks mirroring the server's (contracts CreateBacktestSchema and the kind's params
 * schema): positive integers, fast < slow, a model for ml-signal, from before to, money capital,
 * the fill model's ranges. The server stays the judge; its field errors are shown the same way.
 */
export function checkBacktestForm(v: BacktestFormValues): { errors: FormErrors; request: CreateBacktestInput | null } {
  const errors: FormErrors = {};
  const params: Record<string, number | boolean | number[]> = { allowShort: v.allowShort };

  // One quantity, or a list / range of them: a sweep (of either kind).
  const quantity = parseIntList(v.quantity, MAX_QUANTITY);
  let sweep = false;
  if ('error' in quantity) errors['strategy.params.quantity'] = quantity.error;
  else {
    sweep = quantity.values.length > 1;
    params.quantity = sweep ? quantity.values : quantity.values[0]!;
  }

  if (v.kind === 'sma-crossover') {
    const fast = parseIntList(v.fast, 500);
    const slow = parseIntList(v.slow, 1000);
    if ('error' in fast) errors['strategy.params.fast'] = fast.error;
    if ('error' in slow) errors['strategy.params.slow'] = slow.error;
    else if (slow.values[0]! < 2) errors['strategy.params.slow'] = 'at least 2';
    if ('values' in fast && 'values' in slow) {
      sweep ||= fast.values.length > 1 || slow.values.length > 1;
      // As the server: one invalid combination refuses the whole sweep.
      if (fast.values.at(-1)! >= slow.values[0]!)
        errors['strategy.params.fast'] = sweep
          ? `fast must be shorter than slow in every combination (${fast.values.at(-1)!} ≥ ${slow.values[0]!})`
          : 'fast must be shorter than slow';
      params.fast = (sweep && fast.values.length > 1 ? fast.values : fast.values[0]!) as number;
      params.slow = (sweep && slow.values.length > 1 ? slow.values : slow.values[0]!) as number;
    }
  } else if (!v.modelId) errors['strategy.modelId'] = 'pick the model whose signals are traded';

  if (v.symbols.length === 0) errors.symbols = 'add at least one instrument';

  const from = localToIso(v.from);
  const to = localToIso(v.to);
  if (!from) errors.from = 'a start time';
  if (!to) errors.to = 'an end time';
  if (from && to && Date.parse(from) >= Date.parse(to)) errors.from = 'from must be before to';

  const slippage = v.slippageBps.trim() === '' ? 0 : Number(v.slippageBps);
  if (!Number.isFinite(slippage) || slippage < 0 || slippage > 1000) errors['fillModel.slippageBps'] = 'between 0 and 1000 basis points';
  let participation: number | undefined;
  if (v.maxParticipation.trim() !== '') {
    participation = Number(v.maxParticipation);
    if (!Number.isFinite(participation) || participation <= 0 || participation > 1)
      errors['fillModel.maxParticipation'] = 'a share of bar volume above 0 and at most 1';
  }

  const capital = asMoney(v.initialCapital);
  const money = tryParsePositiveMoney(capital);
  if (!money.ok) errors.initialCapital = MONEY_PROBLEM_MESSAGES[money.problem];

  let outOfSample: number | undefined;
  if (sweep) {
    const pct = Number(v.outOfSamplePct.trim());
    if (v.outOfSamplePct.trim() === '' || !Number.isFinite(pct) || pct <= 0 || pct >= 100)
      errors.outOfSample = 'a share of the range above 0 and below 100 %';
    else outOfSample = pct / 100;
  }

  if (Object.keys(errors).length > 0) return { errors, request: null };
  return {
    errors,
    request: {
      strategy: { kind: v.kind, params, ...(v.kind === 'ml-signal' ? { modelId: v.modelId } : {}) },
      symbols: v.symbols,
      timeframe: v.timeframe,
      from: from!,
      to: to!,
      fillModel: { at: v.fillAt, slippageBps: slippage, ...(participation !== undefined ? { maxParticipation: participation } : {}) },
      fees: v.fees,
      initialCapital: capital,
      ...(outOfSample !== undefined ? { outOfSample } : {}),
    },
  };
}

/**
 * Where a server field error is shown: the field itself, or the nearest field the form has
 * (`symbols.2` → symbols, `strategy.params.timeframe` → timeframe, `fillModel` → its first input).
 */
export function formFieldOf(serverField: string): string {
  if (/^symbols(\.\d+)?$/.test(serverField)) return 'symbols';
  if (serverField === 'strategy.params.timeframe') return 'timeframe';
  if (serverField === 'strategy.params') return 'strategy.params.quantity';
  if (serverField === 'fillModel' || serverField === 'fillModel.at') return 'fillModel.slippageBps';
  if (serverField === 'strategy') return 'strategy.kind';
  return serverField;
}

/** `datetime-local` value of an instant in the display zone (IST by default), minutes precision. */
export const toLocalInput = epochToLocalInput;
