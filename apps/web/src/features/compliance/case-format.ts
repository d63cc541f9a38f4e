import type { ComplianceCase } from '@tradeloop/contracts';

/**
 * How a compliance case reads on the Reconciliation page (docs/api.md "Compliance cases"): its
 * kind in words, and the figures each side had, named, from the case's `details`.
 */

/** `ORDER_MISSING_AT_BROKER` → `Order missing at broker`. */
export function kindLabel(kind: string): string {
  const words = kind.toLowerCase().split('_').filter(Boolean);
  if (words.length === 0) return kind;
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface CaseFigure {
  /** The details key it came from ('' for a figure computed here). */
  key: string;
  label: string;
  value: string;
  /** Ours vs the broker's: the figures compared. */
  side?: 'ours' | 'broker' | 'difference';
}

type Details = Record<string, unknown>;

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ');
  return JSON.stringify(value);
};

const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/** A signed quantity difference: `+3`, `-3`, `0`. */
export const signedQuantity = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** Money as the API gives it (a decimal rupee string) → `₹1,234.50`, Indian grouping; other text unchanged. */
export function rupees(value: unknown): string {
  if (typeof value !== 'string') return text(value);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const [, minus = '', whole = '0', fraction = ''] = m;
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3);
  const grouped = rest ? `${rest.replace(/\B(?=(\d{2})+(?!\d))/g, ',')},${last3}` : last3;
  return `${minus}₹${grouped}.${fraction.padEnd(2, '0')}`;
}

const LABELS: Record<string, string> = {
  ours: 'Ours',
  broker: 'Broker',
  openingHoldings: 'Opening holdings',
  brokerHoldings: 'of which broker holdings',
  orderId: 'Our order',
  brokerOrderId: 'Broker order',
  brokerOrderIds: 'Broker order ids',
  matchedBy: 'Matched by',
  status: 'Status',
  symbol: 'Symbol',
  product: 'Product',
  side: 'Side',
  quantity: 'Quantity',
  filledQuantity: 'Filled quantity',
  tag: 'Tag',
  previousMirror: 'Previous mirror',
  expectedFlow: 'Expected flow (our fills)',
  expected: 'Expected cash',
  reported: 'Broker cash',
  difference: 'Difference',
  tolerance: 'Tolerance',
  mirrorTransactionId: 'Mirror transaction',
  reason: 'Reason',
  accountStatus: 'Account status',
};

const MONEY_KEYS = new Set(['previousMirror', 'expectedFlow', 'expected', 'reported', 'difference', 'tolerance']);
const SIDES: Record<string, CaseFigure['side']> = {
  ours: 'ours',
  broker: 'broker',
  expected: 'ours',
  reported: 'broker',
  difference: 'difference',
};

/** Keys shown as the case's own columns elsewhere, never as figures. */
const HIDDEN = new Set(['symbol', 'product']);

/**
 * The case's figures in reading order: for a position, ours, the opening holdings baseline, what
 * they make together, then the broker's figure and how much of it is in its holdings, and the
 * difference (broker − ours − opening); for cash, the mirror's arithmetic in rupees; otherwise each
 * detail, labelled. Unknown keys follow, as they are.
 */
export function caseFigures(c: Pick<ComplianceCase, 'kind' | 'details'>): CaseFigure[] {
  const d: Details = c.details ?? {};
  const out: CaseFigure[] = [];
  const used = new Set<string>();
  const add = (key: string, value: string, label = LABELS[key] ?? key) => {
    out.push({ key, label, value, ...(SIDES[key] ? { side: SIDES[key] } : {}) });
    used.add(key);
  };

  if (c.kind === 'POSITION_MISMATCH') {
    const ours = int(d.ours);
    const opening = int(d.openingHoldings);
    const broker = int(d.broker);
    if ('ours' in d) add('ours', text(d.ours), 'Ours (platform)');
    if (opening !== null) {
      add('openingHoldings', String(opening));
      if (ours !== null) out.push({ key: '', label: 'Ours + opening', value: String(ours + opening), side: 'ours' });
    }
    if ('broker' in d) add('broker', text(d.broker));
    if ('brokerHoldings' in d) add('brokerHoldings', text(d.brokerHoldings));
    if (ours !== null && broker !== null) {
      out.push({ key: '', label: 'Difference (broker − ours)', value: signedQuantity(broker - ours - (opening ?? 0)), side: 'difference' });
    }
  }
  for (const key of ['ours', 'broker', 'previousMirror', 'expectedFlow', 'expected', 'reported', 'difference', 'tolerance']) {
    if (key in d && !used.has(key)) add(key, MONEY_KEYS.has(key) ? rupees(d[key]) : text(d[key]));
  }
  for (const [key, value] of Object.entries(d)) {
    if (used.has(key) || (c.kind === 'POSITION_MISMATCH' && HIDDEN.has(key))) continue;
    add(key, text(value));
  }
  return out;
}

/**
 * One line for the table: `ours 0 + opening 10 ≠ broker 7 (holdings 7)`, `ours FILLED ≠ broker
 * CANCELLED`, `expected ₹10.00 ≠ broker ₹8.00`; '' when the case compares no figures.
 */
export function figuresSummary(c: Pick<ComplianceCase, 'kind' | 'details'>): string {
  const d: Details = c.details ?? {};
  if (c.kind === 'CASH_MISMATCH' && 'expected' in d && 'reported' in d) {
    return `expected ${rupees(d.expected)} ≠ broker ${rupees(d.reported)}`;
  }
  if (!('ours' in d) || !('broker' in d)) {
    if (c.kind === 'EXTERNAL_ORDER')
      return [d.side, d.quantity, d.symbol, d.status]
        .filter((v) => v !== undefined && v !== null)
        .map(text)
        .join(' ');
    if (c.kind === 'RECONCILIATION_SKIPPED' && typeof d.reason === 'string') return d.reason;
    return '';
  }
  const opening = int(d.openingHoldings);
  const ours = opening !== null ? `ours ${text(d.ours)} + opening ${opening}` : `ours ${text(d.ours)}`;
  const holdings = 'brokerHoldings' in d ? ` (holdings ${text(d.brokerHoldings)})` : '';
  return `${ours} ≠ broker ${text(d.broker)}${holdings}`;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The cases list's filters as the page holds them ('' for none). */
export interface CaseFilterValues {
  status: string;
  accountId: string;
  kind: string;
  /** IST trading days `YYYY-MM-DD` (a date input's value), inclusive. */
  from: string;
  to: string;
}

/**
 * The query `GET /compliance/cases` is sent: empty filters left out, and a day range that cannot be
 * asked (a half-typed day, or from after to, which the API refuses) left out too, with the reason
 * to show beside the inputs.
 */
export function caseQuery(f: CaseFilterValues): { query: Record<string, string>; problem: string | null } {
  const query: Record<string, string> = {};
  if (f.status) query.status = f.status;
  if (f.accountId) query.accountId = f.accountId;
  if (f.kind) query.kind = f.kind;
  const from = DAY.test(f.from) ? f.from : '';
  const to = DAY.test(f.to) ? f.to : '';
  if (from && to && from > to) return { query, problem: 'The first day is after the last' };
  if (from) query.from = from;
  if (to) query.to = to;
  return { query, problem: null };
}
