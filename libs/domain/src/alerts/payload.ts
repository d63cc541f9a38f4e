import { PRICE_SCALE, type PriceTicks } from '../market/price';

/*
 * The alert payload (docs/alerts.md "Contexts and where code lives"): our JSON schema and
 * TradingView's placeholder style, parsed to one AlertPayload. Every refusal names its field.
 *
 * Our schema:
 *   { "symbol": "RELIANCE", "action": "buy", "price": "2500.5", "quantity": 1,
 *     "strategy": "breakout", "tags": ["swing"], "alert_id": "a-1", "passphrase": "…" }
 * TradingView's style (after its substitution of {{…}} placeholders):
 *   { "ticker": "NSE:RELIANCE", "action": "{{strategy.order.action}}" → "buy",
 *     "contracts": "{{strategy.order.contracts}}" → "1", "price": "{{close}}" → "2500.5",
 *     "market_position": "long", "interval": "5", "time": "…", "timenow": "…", "comment": "…" }
 * Numbers may arrive as JSON numbers or numeric strings. A "{{…}}" still in a field means the
 * alert was set up wrong (TradingView did not substitute it): a refusal naming the field.
 */

/** What the alert asks for: open / add long (BUY), open / add short or reduce (SELL), or close (EXIT). */
export const ALERT_ACTIONS = ['BUY', 'SELL', 'EXIT'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The words an alert may use for its action or direction (case-insensitive), and what each means. */
const ACTION_WORDS: Readonly<Record<string, AlertAction>> = {
  buy: 'BUY',
  long: 'BUY',
  sell: 'SELL',
  short: 'SELL',
  exit: 'EXIT',
  close: 'EXIT',
  flat: 'EXIT',
};

/** How big the order is: units, lots of the instrument, or the engine's default (no size in the alert). */
export type AlertSize =
  | { readonly kind: 'units'; readonly quantity: number }
  | { readonly kind: 'lots'; readonly lots: number }
  | { readonly kind: 'default' };

export interface AlertPayload {
  /** Upper-cased, without an exchange prefix ("NSE:RELIANCE" → "RELIANCE"). */
  readonly symbol: string;
  /** From the "EXCHANGE:" prefix or the `exchange` field, upper-cased; null when neither. */
  readonly exchange: string | null;
  readonly action: AlertAction;
  /** The alert's price in ticks (1 tick = ₹0.0001), when it carries one. */
  readonly price: PriceTicks | null;
  readonly size: AlertSize;
  readonly strategy: string | null;
  /** Free tags, trimmed, in the order given (duplicates dropped). */
  readonly tags: readonly string[];
  /** The client's own id for the alert: the same id on a source is a duplicate, ever. */
  readonly alertId: string | null;
  /** TradingView's bar interval ("5", "1D"), as given. */
  readonly interval: string | null;
  /** The alert's own times, as given (TradingView {{time}} / {{timenow}}). */
  readonly time: string | null;
  readonly timenow: string | null;
  readonly comment: string | null;
}

/** The parse result: the payload and the passphrase apart (it is checked, never stored), or the refusal. */
export type AlertParseResult =
  | { readonly ok: true; readonly payload: AlertPayload; readonly passphrase: string | null }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/** Every key a payload may carry; anything else is a refusal naming the key. */
export const ALERT_PAYLOAD_KEYS = [
  'symbol',
  'ticker',
  'exchange',
  'action',
  'direction',
  'market_position',
  'price',
  'quantity',
  'contracts',
  'lots',
  'strategy',
  'tags',
  'alert_id',
  'passphrase',
  'interval',
  'time',
  'timenow',
  'comment',
] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set(ALERT_PAYLOAD_KEYS);

const PLACEHOLDER = /\{\{[^}]*\}\}/;
const SYMBOL = /^[A-Z0-9][A-Z0-9&_.-]{0,39}$/;
const EXCHANGE = /^[A-Z][A-Z0-9_]{0,9}$/;
const ALERT_ID = /^[\x21-\x7e]{1,100}$/;
const DECIMAL = /^(\d{1,12})(?:\.(\d{1,4}))?$/;
const INTEGER = /^\d{1,12}$/;
const MAX_TEXT = 200;
// eslint-disable-next-line no-control-regex -- refusing them is the point
const CONTROL = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_TAGS = 20;
const MAX_TAG = 40;

class Refusal {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

const refuse = (field: string, reason: string): never => {
  throw new Refusal(field, reason);
};

/** A string field, trimmed; refuses non-strings, un-substituted placeholders and over-long text. Absent or null → null. */
function text(body: Record<string, unknown>, field: string, max = MAX_TEXT): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return refuse(field, 'must be a string');
  const s = v.trim();
  if (PLACEHOLDER.test(s)) return refuse(field, `holds an un-substituted placeholder (${PLACEHOLDER.exec(s)![0]})`);
  if (CONTROL.test(s)) return refuse(field, 'must not hold control characters or broken Unicode');
  if (s.length > max) return refuse(field, `must be at most ${max} characters`);
  return s === '' ? null : s;
}

/** A number field given as a JSON number or a numeric string, as its decimal text; null when absent. */
function numeric(body: Record<string, unknown>, field: string): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return refuse(field, 'must be a finite number');
    // Up to 4 decimals survive; a float with more is refused rather than rounded.
    const s = String(v);
    if (/e/i.test(s)) return refuse(field, 'must be a plain decimal number');
    return s;
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (PLACEHOLDER.test(s)) return refuse(field, `holds an un-substituted placeholder (${PLACEHOLDER.exec(s)![0]})`);
    if (s === '') return null;
    return s;
  }
  return refuse(field, 'must be a number or a numeric string');
}

function price(body: Record<string, unknown>): PriceTicks | null {
  const s = numeric(body, 'price');
  if (s === null) return null;
  const m = DECIMAL.exec(s);
  if (!m) return refuse('price', 'must be a positive decimal with at most 4 decimal places, such as "2500.5"');
  const ticks = Number(m[1]) * PRICE_SCALE + Number((m[2] ?? '').padEnd(4, '0'));
  if (ticks <= 0) return refuse('price', 'must be greater than zero');
  if (!Number.isSafeInteger(ticks)) return refuse('price', 'is too large');
  return ticks as PriceTicks;
}

function positiveInt(body: Record<string, unknown>, field: string): number | null {
  const s = numeric(body, field);
  if (s === null) return null;
  // "1.0" (TradingView prints contracts as floats) is accepted as 1; "1.5" is not whole.
  const m = /^(\d{1,12})(?:\.0+)?$/.exec(s);
  if (!m || !INTEGER.test(m[1]!)) return refuse(field, 'must be a whole number');
  const n = Number(m[1]);
  if (n <= 0) return refuse(field, 'must be greater than zero');
  if (n > 10_000_000) return refuse(field, 'is too large');
  return n;
}

function actionOf(body: Record<string, unknown>, field: string): AlertAction | null {
  const s = text(body, field, 20);
  if (s === null) return null;
  const a = ACTION_WORDS[s.toLowerCase()];
  if (!a) return refuse(field, `must be one of ${Object.keys(ACTION_WORDS).join(', ')}`);
  return a;
}

function symbolOf(body: Record<string, unknown>): { symbol: string; exchange: string | null } {
  if (body['symbol'] !== undefined && body['ticker'] !== undefined) refuse('ticker', 'give symbol or ticker, not both');
  const field = body['symbol'] !== undefined ? 'symbol' : 'ticker';
  const raw = text(body, field, 60);
  if (raw === null) return refuse('symbol', 'is required (symbol or ticker)');
  const upper = raw.toUpperCase();
  const colon = upper.indexOf(':');
  const prefix = colon >= 0 ? upper.slice(0, colon) : null;
  const symbol = colon >= 0 ? upper.slice(colon + 1) : upper;
  if (prefix !== null && !EXCHANGE.test(prefix)) refuse(field, 'has a malformed exchange prefix');
  if (!SYMBOL.test(symbol)) refuse(field, 'is not a symbol');
  const named = text(body, 'exchange', 10)?.toUpperCase() ?? null;
  if (named !== null && !EXCHANGE.test(named)) refuse('exchange', 'is not an exchange');
  if (named !== null && prefix !== null && named !== prefix) refuse('exchange', `disagrees with the ${field}'s prefix ${prefix}`);
  return { symbol, exchange: named ?? prefix };
}

function sizeOf(body: Record<string, unknown>): AlertSize {
  const quantity = positiveInt(body, 'quantity');
  const contracts = positiveInt(body, 'contracts');
  const lots = positiveInt(body, 'lots');
  const given = [quantity !== null && 'quantity', contracts !== null && 'contracts', lots !== null && 'lots'].filter(Boolean);
  if (given.length > 1) refuse(String(given[1]), `give one of quantity, contracts or lots (also got ${given[0]})`);
  if (lots !== null) return { kind: 'lots', lots };
  const units = quantity ?? contracts;
  return units === null ? { kind: 'default' } : { kind: 'units', quantity: units };
}

function tagsOf(body: Record<string, unknown>): string[] {
  const v = body['tags'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return refuse('tags', 'must be a list of strings');
  if (v.length > MAX_TAGS) return refuse('tags', `must hold at most ${MAX_TAGS} tags`);
  const out: string[] = [];
  v.forEach((t, i) => {
    if (typeof t !== 'string') return refuse(`tags.${i}`, 'must be a string');
    const s = t.trim();
    if (PLACEHOLDER.test(s)) return refuse(`tags.${i}`, `holds an un-substituted placeholder (${PLACEHOLDER.exec(s)![0]})`);
    if (CONTROL.test(s)) return refuse(`tags.${i}`, 'must not hold control characters or broken Unicode');
    if (s === '' || s.length > MAX_TAG) return refuse(`tags.${i}`, `must be 1 to ${MAX_TAG} characters`);
    if (!out.includes(s)) out.push(s);
  });
  return out;
}

/**
 * Parses an alert from its JSON value (the caller parsed the bytes; non-JSON is its refusal).
 * Refuses (with the field): a non-object, an unknown key, a missing symbol or action, an
 * action / direction / market_position that disagree, a non-positive or malformed number, more
 * than one size, a placeholder left un-substituted, over-long text.
 */
export function parseAlertPayload(body: unknown): AlertParseResult {
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('body', 'must be a JSON object');
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b)) if (!KNOWN_KEYS.has(key)) refuse(key, 'is not a field of the alert payload');
    const { symbol, exchange } = symbolOf(b);
    const actions = (['action', 'direction', 'market_position'] as const)
      .map((f) => [f, actionOf(b, f)] as const)
      .filter((x): x is readonly ['action' | 'direction' | 'market_position', AlertAction] => x[1] !== null);
    if (actions.length === 0) refuse('action', 'is required (action, direction or market_position)');
    const [first, ...rest] = actions;
    for (const [f, a] of rest) if (a !== first![1]) refuse(f, `disagrees with ${first![0]} (${first![1]})`);
    const alertId = text(b, 'alert_id', 100);
    if (alertId !== null && !ALERT_ID.test(alertId)) refuse('alert_id', 'must be 1 to 100 printable characters without spaces');
    const passphrase = b['passphrase'] === undefined || b['passphrase'] === null ? null : passphraseOf(b['passphrase']);
    const payload: AlertPayload = {
      symbol,
      exchange,
      action: first![1],
      price: price(b),
      size: sizeOf(b),
      strategy: text(b, 'strategy', 100),
      tags: tagsOf(b),
      alertId,
      interval: text(b, 'interval', 10),
      time: text(b, 'time', 40),
      timenow: text(b, 'timenow', 40),
      comment: text(b, 'comment'),
    };
    return { ok: true, payload, passphrase };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, field: e.field, reason: e.reason };
    throw e;
  }
}

// Not trimmed: a passphrase is compared exactly.
function passphraseOf(v: unknown): string {
  if (typeof v !== 'string') return refuse('passphrase', 'must be a string');
  if (PLACEHOLDER.test(v)) return refuse('passphrase', 'holds an un-substituted placeholder');
  if (v.length === 0 || v.length > MAX_TEXT) return refuse('passphrase', `must be 1 to ${MAX_TEXT} characters`);
  return v;
}
