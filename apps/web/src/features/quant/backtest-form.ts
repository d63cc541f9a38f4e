import type { CreateBacktestInput, FILL_AT, STRATEGY_KINDS } from '@tradeloop/contracts';
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
  /** `<input type="datetime-local">` values (local wall time). */
  from: string;
  to: string;
  fillAt: FillAt;
  slippageBps: string;
  /** Empty: orders fill whole. */
  maxParticipation: string;
  fees: boolean;
  /** Rupees, e.g. "100000" or "100000.00". */
  initialCapital: string;
}

/** Errors keyed by the request field the server names (`strategy.params.fast`, `symbols`, …). */
export type FormErrors = Record<string, string>;

const POSITIVE_INT = /^\d+$/;

function positiveInt(text: string, max: number): { value: number } | { error: string } {
  const t = text.trim();
  if (!POSITIVE_INT.test(t)) return { error: 'a whole number of 1 or more' };
  const n = Number(t);
  if (n < 1) return { error: 'a whole number of 1 or more' };
  if (n > max) return { error: `at most ${max.toLocaleString('en-IN')}` };
  return { value: n };
}

/** "100000" → "100000.00"; anything else is passed on as typed (and checked as money). */
const asMoney = (text: string): string => {
  const t = text.trim().replace(/,/g, '');
  return /^\d+$/.test(t) ? `${t}.00` : /^\d+\.\d$/.test(t) ? `${t}0` : t;
};

/** A `datetime-local` value → ISO UTC, or null. */
const localToIso = (value: string): string | null => {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

/**
 * Client-side checks mirroring the server's (contracts CreateBacktestSchema and the kind's params
 * schema): positive integers, fast < slow, a model for ml-signal, from before to, money capital,
 * the fill model's ranges. The server stays the judge; its field errors are shown the same way.
 */
export function checkBacktestForm(v: BacktestFormValues): { errors: FormErrors; request: CreateBacktestInput | null } {
  const errors: FormErrors = {};
  const params: Record<string, number | boolean> = { allowShort: v.allowShort };

  const quantity = positiveInt(v.quantity, 1_000_000);
  if ('error' in quantity) errors['strategy.params.quantity'] = quantity.error;
  else params.quantity = quantity.value;

  if (v.kind === 'sma-crossover') {
    const fast = positiveInt(v.fast, 500);
    const slow = positiveInt(v.slow, 1000);
    if ('error' in fast) errors['strategy.params.fast'] = fast.error;
    else params.fast = fast.value;
    if ('error' in slow) errors['strategy.params.slow'] = slow.error;
    else if (slow.value < 2) errors['strategy.params.slow'] = 'at least 2';
    else params.slow = slow.value;
    if ('value' in fast && 'value' in slow && fast.value >= slow.value) errors['strategy.params.fast'] = 'fast must be shorter than slow';
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

/** `datetime-local` value of an instant in the browser's zone, minutes precision. */
export function toLocalInput(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
