import { EXCHANGES, INSTRUMENT_TYPES, type Instrument } from '@tradeloop/domain';

/** The brokers whose instrument masters we import (docs/brokers.md, "Instrument masters"). */
export const MASTER_BROKERS = ['kite', 'upstox', 'openalgo'] as const;
export type MasterBroker = (typeof MASTER_BROKERS)[number];

/**
 * One broker's key for one instrument: what the adapters and feeds send and receive.
 * - Kite: `key` = instrument_token (ticker, history); `exchangeToken` = exchange_token.
 * - Upstox: `key` = instrument_key (`NSE_FO|43919`), never exchange_token alone (the exchange
 *   reuses tokens after expiry).
 * - OpenAlgo: `key` = `EXCHANGE:SYMBOL` (`NFO:NIFTY28NOV2424350CE`).
 */
export interface BrokerKey {
  key: string;
  exchangeToken?: string;
  /** The broker's own symbol (Kite tradingsymbol, Upstox trading_symbol, OpenAlgo symbol). */
  brokerSymbol: string;
  /** The broker's exchange or segment name (`NFO`, `NSE_FO`, `NSE_INDEX`). */
  brokerExchange: string;
}

/** One contract of a master file: our canonical instrument and the broker's key for it. */
export interface MasterRecord {
  instrument: Instrument;
  brokerKey: BrokerKey;
  /** Where it came from in the file (`line 12`, `record 7`), for errors found later. */
  at: string;
}

/** A whole parsed master file. `skipped`: rows of exchanges, segments or types we do not trade. */
export interface ParsedMaster {
  broker: MasterBroker;
  records: MasterRecord[];
  /** Data rows read (the header not counted). */
  rows: number;
  skipped: number;
}

/** A truncated or malformed master: the import changes nothing, and says where. */
export class InstrumentMasterError extends Error {
  constructor(
    readonly broker: MasterBroker,
    /** `line 12`, `record 7`, or `end of file`. */
    readonly at: string,
    readonly detail: string,
  ) {
    super(`${broker} instrument master, ${at}: ${detail}`);
    this.name = 'InstrumentMasterError';
  }
}

/** Our symbol alphabet (the instruments table's CHECK). */
export const SYMBOL_PATTERN = /^[A-Z0-9&._-]{1,40}$/;

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * A non-negative decimal string scaled by 10^scale to an integer, exactly (no float on the way):
 * `decimalToUnits('0.05', 4)` = 500. Undefined when it has more precision than the scale
 * (non-zero digits beyond it) or is not a plain decimal.
 */
export function decimalToUnits(text: string, scale: number): number | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  if (/[1-9]/.test(frac.slice(scale))) return undefined;
  const value = Number(`${m[1]}${frac.slice(0, scale).padEnd(scale, '0')}`);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A JSON number (or numeric string) as a decimal string: 5 → '5', 0.05 → '0.05', 1e-7 refused. */
export function numberText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    const s = String(v);
    return /e/i.test(s) ? undefined : s;
  }
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` that names a real calendar day, else undefined. */
export function isoDate(text: string): string | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text.trim() ? text.trim() : undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** OpenAlgo's `DD-MMM-YY` (`25-AUG-26`, any case) as YYYY-MM-DD (docs/brokers.md 3.7). */
export function ddMmmYy(text: string): string | undefined {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  if (month < 0) return undefined;
  return isoDate(`20${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]}`);
}

/** An expiry given as epoch milliseconds (Upstox's BOD file) as its IST calendar day. */
export function epochMsToIstDate(ms: number): string {
  return new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Index names as the brokers spell them → our index symbols (docs/brokers.md 3.7 uses NIFTY,
 * BANKNIFTY…; Kite's dump says `NIFTY 50`, `NIFTY BANK`). Others: upper case without spaces.
 */
const INDEX_ALIASES: Record<string, string> = {
  'NIFTY 50': 'NIFTY',
  NIFTY50: 'NIFTY',
  'NIFTY BANK': 'BANKNIFTY',
  NIFTYBANK: 'BANKNIFTY',
  'NIFTY FIN SERVICE': 'FINNIFTY',
  'NIFTY FINANCIAL SERVICES': 'FINNIFTY',
  'NIFTY MID SELECT': 'MIDCPNIFTY',
  'NIFTY MIDCAP SELECT': 'MIDCPNIFTY',
  'NIFTY NEXT 50': 'NIFTYNXT50',
  'INDIA VIX': 'INDIAVIX',
};

export function indexSymbol(name: string): string {
  const upper = name.trim().toUpperCase();
  return INDEX_ALIASES[upper] ?? upper.replace(/\s+/g, '');
}

/** Default tick for an index row whose master says 0 (indices are not traded): ₹0.05. */
export const INDEX_TICK = 500;

/** Checks the domain invariants of a built instrument (the table's CHECKs), or names what is wrong. */
export function instrumentProblem(i: Instrument): string | undefined {
  if (!SYMBOL_PATTERN.test(i.symbol)) return `symbol ${JSON.stringify(i.symbol)} is not one we can store`;
  if (!EXCHANGES.includes(i.exchange)) return `exchange ${i.exchange} is not supported`;
  if (!INSTRUMENT_TYPES.includes(i.instrumentType)) return `instrument type ${i.instrumentType} is not supported`;
  if (!Number.isSafeInteger(i.lotSize) || i.lotSize <= 0) return `lot size ${i.lotSize} must be a positive integer`;
  if (!Number.isSafeInteger(i.tickSize) || i.tickSize <= 0) return `tick size must be positive`;
  const derivative = i.instrumentType === 'FUT' || i.instrumentType === 'CE' || i.instrumentType === 'PE';
  if (derivative && !i.expiry) return 'a derivative needs an expiry';
  if (derivative && !i.underlying) return 'a derivative needs an underlying';
  const option = i.instrumentType === 'CE' || i.instrumentType === 'PE';
  if (option && !(i.strike && i.strike > 0)) return 'an option needs a positive strike';
  return undefined;
}
