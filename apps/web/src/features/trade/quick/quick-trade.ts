/*
 * Watchlist quick trading, the browser's pure side (docs/watchlist-trading.md): which quick buttons a
 * row offers, the preview of the contract and quantity a click would trade (display only — the
 * server resolves the real contract), the words of an intent's per-account results, the keys of the
 * quick actions and the exit levels of a leg. Framework-free; quick-trade.spec.ts covers it.
 */
import { priceTicks } from '../../../lib/price';
import type { EffectiveSettings, InstrumentDto, IntentResult, Leg, QuickAction, QuickOrderResponse, TradeMode } from '@tradeloop/contracts';

/** One price tick is ₹0.0001 (docs/domain.md): ₹1 = 10 000 ticks. */
const RUPEE = 10_000;

/** A quick button: what it shows and the action it sends. */
export type QuickButton = 'BUY' | 'SELL' | 'CE+' | 'CE-' | 'PE+' | 'PE-' | 'EXIT';
export const QUICK_BUTTON_ACTION: Record<QuickButton, QuickAction> = {
  BUY: 'BUY',
  SELL: 'SELL',
  'CE+': 'BUY_CE',
  'CE-': 'SELL_CE',
  'PE+': 'BUY_PE',
  'PE-': 'SELL_PE',
  EXIT: 'EXIT',
};
/** What the button reads (a true minus sign). */
export const QUICK_BUTTON_LABEL: Record<QuickButton, string> = {
  BUY: 'B',
  SELL: 'S',
  'CE+': 'CE+',
  'CE-': 'CE−',
  'PE+': 'PE+',
  'PE-': 'PE−',
  EXIT: 'EXIT',
};
export const QUICK_BUTTON_TITLE: Record<QuickButton, string> = {
  BUY: 'Buy one step',
  SELL: 'Sell one step',
  'CE+': 'Buy one step of the call',
  'CE-': 'Sell one step of the call',
  'PE+': 'Buy one step of the put',
  'PE-': 'Sell one step of the put',
  EXIT: "Exit this row's legs",
};

/**
 * Keys for the quick actions on the selected watchlist row (the list focused). B / S alone open the
 * order ticket (TradePage), so the quick buy / sell take Shift.
 */
export const QUICK_KEYS: readonly { key: string; shift: boolean; button: QuickButton | 'EXIT_ALL'; label: string }[] = [
  { key: 'b', shift: true, button: 'BUY', label: '⇧B' },
  { key: 's', shift: true, button: 'SELL', label: '⇧S' },
  { key: '1', shift: false, button: 'CE+', label: '1' },
  { key: '2', shift: false, button: 'CE-', label: '2' },
  { key: '3', shift: false, button: 'PE+', label: '3' },
  { key: '4', shift: false, button: 'PE-', label: '4' },
  { key: 'x', shift: false, button: 'EXIT', label: 'X' },
  { key: 'x', shift: true, button: 'EXIT_ALL', label: '⇧X' },
];

/** The quick button a key press means, or null. `key` is KeyboardEvent.key (Shift+1 arrives as "!", so digits use `code`). */
export function quickKey(event: { key: string; code?: string; shiftKey: boolean }): QuickButton | 'EXIT_ALL' | null {
  const digit = /^Digit([1-4])$/.exec(event.code ?? '')?.[1];
  const key = digit && !event.shiftKey ? digit : event.key.toLowerCase();
  return QUICK_KEYS.find((k) => k.key === key && k.shift === event.shiftKey)?.button ?? null;
}
export const quickKeyLabel = (button: QuickButton | 'EXIT_ALL'): string => QUICK_KEYS.find((k) => k.button === button)?.label ?? '';

/**
 * A fresh intent id: crypto.randomUUID where the page is a secure context, else a v4 UUID from
 * crypto.getRandomValues (which plain-http pages still have).
 */
export function newIntentId(c: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = crypto): string {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Today's date in India (the exchange's calendar), YYYY-MM-DD. */
export const istToday = (now: Date): string => new Date(now.getTime() + 19_800_000).toISOString().slice(0, 10);

/** The underlying whose futures and options a row trades: an index or stock itself, a derivative's underlying. */
export function underlyingOf(row: Pick<InstrumentDto, 'symbol' | 'instrumentType' | 'underlying'>): string {
  return row.instrumentType === 'EQ' || row.instrumentType === 'INDEX' ? row.symbol : (row.underlying ?? row.symbol);
}

/** The trade modes a row supports, given its underlying's derivatives (an index itself cannot be bought). */
export function rowModes(row: Pick<InstrumentDto, 'instrumentType'>, chain: readonly Pick<InstrumentDto, 'instrumentType'>[]): TradeMode[] {
  const modes: TradeMode[] = [];
  if (row.instrumentType !== 'INDEX') modes.push('EQUITY');
  if (chain.some((i) => i.instrumentType === 'FUT')) modes.push('FUTURES');
  if (chain.some((i) => i.instrumentType === 'CE' || i.instrumentType === 'PE')) modes.push('OPTIONS');
  return modes;
}

/** The watchlist's mode when the row supports it; else the row trades itself (EQUITY), or its futures. */
export function rowMode(listMode: TradeMode, modes: readonly TradeMode[]): TradeMode | null {
  if (modes.includes(listMode)) return listMode;
  return modes.includes('EQUITY') ? 'EQUITY' : (modes[0] ?? null);
}

/** The buttons of a row in a mode. */
export function rowButtons(mode: TradeMode | null): QuickButton[] {
  if (mode === null) return [];
  return mode === 'OPTIONS' ? ['CE+', 'CE-', 'PE+', 'PE-', 'EXIT'] : ['BUY', 'SELL', 'EXIT'];
}

export type Failure = { ok: false; field: string; message: string };
const fail = (field: string, message: string): Failure => ({ ok: false, field, message });

/**
 * The listed expiry a selector names (docs/watchlist-trading.md "Strike resolution" 1): `weekly` the
 * nearest on or after today, `monthly` the nearest that is the last listed one of its calendar month,
 * a date only when listed.
 */
export function resolveExpiry(selector: string, listed: readonly string[], today: string): { ok: true; expiry: string } | Failure {
  const dates = [...new Set(listed)].filter((d) => d >= today).sort();
  let expiry: string | undefined;
  if (selector === 'weekly') expiry = dates[0];
  else if (selector === 'monthly') expiry = dates.find((d) => !dates.some((o) => o > d && o.slice(0, 7) === d.slice(0, 7)));
  else expiry = dates.includes(selector) ? selector : undefined;
  return expiry
    ? { ok: true, expiry }
    : fail('expiry', `no listed ${selector === 'weekly' || selector === 'monthly' ? `${selector} expiry` : `expiry on ${selector}`}`);
}

/** ATM, ITMn or OTMn as a signed number of strike steps away from ATM for a call (a put mirrors it). */
export function legOffset(leg: string): number | null {
  if (leg === 'ATM') return 0;
  const m = /^(ITM|OTM)([1-9]|1\d|20)$/.exec(leg);
  if (!m) return null;
  return (m[1] === 'ITM' ? -1 : 1) * Number(m[2]);
}

/**
 * The strike in ticks: ATM = the LTP rounded to the nearest multiple of the step (a half rounds up);
 * in the money is a lower strike for a call and a higher one for a put.
 */
export function strikeFor(ltpTicks: number, stepTicks: number, leg: string, type: 'CE' | 'PE'): number | null {
  const offset = legOffset(leg);
  if (offset === null || stepTicks <= 0) return null;
  const atm = Math.floor(ltpTicks / stepTicks + 0.5) * stepTicks;
  return atm + (type === 'CE' ? offset : -offset) * stepTicks;
}

/** The smallest gap between neighbouring listed strikes, in ticks (the chain's own step). */
export function chainStep(chain: readonly Pick<InstrumentDto, 'strike'>[]): number | null {
  const strikes = [...new Set(chain.map((i) => priceToTicks(i.strike)).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  let step: number | null = null;
  for (let i = 1; i < strikes.length; i += 1) {
    const gap = strikes[i]! - strikes[i - 1]!;
    if (gap > 0 && (step === null || gap < step)) step = gap;
  }
  return step;
}

/** "25900.00" or "50" → ticks; null when absent or unreadable. */
export const priceToTicks = (value: unknown): number | null => (typeof value === 'string' ? priceTicks(value.trim()) : null);

/** Ticks → "25900.00" (two decimals, four when the price needs them). */
export function ticksToPrice(ticks: number): string {
  const sign = ticks < 0 ? '-' : '';
  const abs = Math.abs(ticks);
  const whole = Math.floor(abs / RUPEE);
  const frac = String(abs % RUPEE).padStart(4, '0');
  return `${sign}${whole}.${frac.endsWith('00') ? frac.slice(0, 2) : frac}`;
}

export const settingValue = (settings: EffectiveSettings | undefined, key: string): unknown => settings?.values[key]?.value;

export interface PreviewInput {
  row: InstrumentDto;
  /** The underlying's futures and options (any expiry). */
  chain: readonly InstrumentDto[];
  mode: TradeMode;
  button: QuickButton;
  optionLeg: string;
  expiry: string;
  /** LTP of the underlying (OPTIONS) as a decimal string. */
  underlyingLtp: string | null | undefined;
  settings: EffectiveSettings | undefined;
  /** The user's open legs (for EXIT and the ANCHOR policy). */
  legs: readonly Leg[];
  watchlistId: string;
  today: string;
}

export type Preview =
  | { ok: true; kind: 'trade'; symbol: string; lots: number; quantity: number; lotSize: number; anchored: boolean }
  | { ok: true; kind: 'exit'; symbols: string[] }
  | Failure;

const optionTypeOf = (button: QuickButton): 'CE' | 'PE' | null => (button.startsWith('CE') ? 'CE' : button.startsWith('PE') ? 'PE' : null);

/**
 * What a click would trade, for display before it lands: the contract and the quantity (step lots ×
 * lot size), or what it would exit. The server decides the real contract (docs/watchlist-trading.md).
 */
export function previewQuick(input: PreviewInput): Preview {
  const { row, chain, mode, button, settings, legs, watchlistId } = input;
  const rowLegs = legs.filter((l) => l.watchlistId === watchlistId && l.rowSymbol === row.symbol && l.targetQuantity !== 0);
  if (button === 'EXIT') {
    const symbols = [...new Set(rowLegs.map((l) => l.symbol))].sort();
    return symbols.length ? { ok: true, kind: 'exit', symbols } : fail('symbol', 'nothing open on this row');
  }
  const stepValue = settingValue(settings, 'stepLots');
  const lots = typeof stepValue === 'number' && stepValue > 0 ? stepValue : 1;
  const trade = (contract: InstrumentDto, anchored = false): Preview => ({
    ok: true,
    kind: 'trade',
    symbol: contract.symbol,
    lots,
    quantity: lots * contract.lotSize,
    lotSize: contract.lotSize,
    anchored,
  });
  if (mode === 'EQUITY')
    return row.instrumentType === 'INDEX' ? fail('tradeMode', 'an index is traded through its futures or options') : trade(row);
  if (mode === 'FUTURES') {
    const futures = chain.filter((i) => i.instrumentType === 'FUT' && (i.expiry ?? '') >= input.today);
    const expiries = futures.map((f) => f.expiry!);
    const monthly = resolveExpiry('monthly', expiries, input.today);
    const future = monthly.ok ? futures.find((f) => f.expiry === monthly.expiry) : undefined;
    return future ? trade(future) : fail('tradeMode', `${underlyingOf(row)} has no listed future`);
  }
  const type = optionTypeOf(button);
  if (!type) return fail('action', 'options rows trade CE or PE');
  const options = chain.filter((i) => i.instrumentType === type);
  if (!options.length) return fail('symbol', `${underlyingOf(row)} has no options`);
  if (settingValue(settings, 'strikePolicy') === 'ANCHOR') {
    const held = rowLegs.map((l) => options.find((o) => o.symbol === l.symbol)).find((o) => o !== undefined);
    if (held) return trade(held, true);
  }
  const expiry = resolveExpiry(
    input.expiry,
    options.map((o) => o.expiry ?? ''),
    input.today,
  );
  if (!expiry.ok) return expiry;
  const ltp = priceToTicks(input.underlyingLtp);
  if (ltp === null) return fail('symbol', `no price for ${underlyingOf(row)} yet`);
  const listed = options.filter((o) => o.expiry === expiry.expiry);
  const step = priceToTicks(settingValue(settings, 'strikeStep')) ?? chainStep(listed);
  const strike = step === null ? null : strikeFor(ltp, step, input.optionLeg, type);
  if (strike === null) return fail('optionLeg', 'ATM, ITM1…ITM20 or OTM1…OTM20');
  const contract = listed.find((o) => priceToTicks(o.strike) === strike);
  return contract ? trade(contract) : fail('optionLeg', `no ${type} listed at ${ticksToPrice(strike)} for ${expiry.expiry}`);
}

/** "1 lot = 65" / "2 lots = 130". */
export const lotsText = (lots: number, quantity: number): string => `${lots} ${lots === 1 ? 'lot' : 'lots'} = ${quantity}`;

export interface IntentSummary {
  /** "2/2 accepted", "1/2 accepted". */
  title: string;
  tone: 'success' | 'warning' | 'error';
  /** One readable line per account. */
  lines: string[];
  /** The lines of the accounts that did not accept. */
  problems: string[];
}

function resultLine(r: IntentResult, accountName: (id: string) => string): string {
  const who = accountName(r.accountId);
  if (r.status === 'accepted') {
    const moved =
      r.deltaQuantity > 0 ? `buying ${r.deltaQuantity}` : r.deltaQuantity < 0 ? `selling ${-r.deltaQuantity}` : 'already at its target';
    return `${who}: accepted, ${moved} ${r.symbol} → position ${r.targetQuantity}`;
  }
  // A reason may lead with the order path's machine code ("KILL_SWITCH_USER: Your kill switch…"): the words only.
  const words = r.reason?.replace(/^[A-Z][A-Z0-9_]{2,}:\s*/, '').trim();
  const why = words || (r.status === 'failed' ? 'the broker could not be reached' : 'refused by the order checks');
  return `${who}: ${r.status === 'failed' ? 'failed' : 'refused'} — ${why}`;
}

/** The toast of one click: how many accounts accepted, and each account's outcome in words. */
export function summarizeIntent(response: QuickOrderResponse, accountName: (id: string) => string): IntentSummary {
  const { total, accepted } = response.summary;
  return {
    title: `${accepted}/${total} accepted`,
    tone: total > 0 && accepted === total ? 'success' : accepted > 0 ? 'warning' : 'error',
    lines: response.intent.results.map((r) => resultLine(r, accountName)),
    problems: response.intent.results.filter((r) => r.status !== 'accepted').map((r) => resultLine(r, accountName)),
  };
}

export type LevelKind = 'TP' | 'SL' | 'TSL';
export interface Level {
  kind: LevelKind;
  price: string;
}

/** The exit levels of a leg to draw: take-profit, stop-loss and the trailing stop once armed. */
export function legLevels(leg: Pick<Leg, 'netQuantity' | 'tpPrice' | 'slPrice' | 'tsl'> | undefined): Level[] {
  if (!leg || leg.netQuantity === 0) return [];
  const out: Level[] = [];
  if (leg.tpPrice) out.push({ kind: 'TP', price: leg.tpPrice });
  if (leg.slPrice) out.push({ kind: 'SL', price: leg.slPrice });
  if (leg.tsl.armed && leg.tsl.currentStop) out.push({ kind: 'TSL', price: leg.tsl.currentStop });
  return out;
}

/** "TP:130.00|SL:80.00|TSL:100.00" (a test's view of the lines drawn). */
export const levelsAttr = (levels: readonly Level[]): string => levels.map((l) => `${l.kind}:${l.price}`).join('|');

/** P&L per unit from a live LTP: (LTP − average) for a long, mirrored for a short; null when flat or unpriced. */
export function pnlPerUnit(ltp: string | null | undefined, average: string | null | undefined, net: number): string | null {
  const l = priceToTicks(ltp);
  const a = priceToTicks(average);
  if (l === null || a === null || net === 0) return null;
  return ticksToPrice(net > 0 ? l - a : a - l);
}

/** The trailing stop in words: off, waiting to arm, or armed at a level. */
export function tslState(leg: Pick<Leg, 'tsl'>): 'off' | 'waiting' | 'armed' {
  if (!leg.tsl.enabled) return 'off';
  return leg.tsl.armed ? 'armed' : 'waiting';
}

/** A field named by a problem document ("values.tpPerUnit", "overrides.stepLots", "tpPerUnit") → the settings key. */
export const settingsField = (field: string): string => field.replace(/^(values|overrides)\./, '');
