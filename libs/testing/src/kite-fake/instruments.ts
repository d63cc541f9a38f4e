import type { PriceTicks } from '@tradeloop/domain';

/** Kite's segment codes, the low byte of an instrument token (docs/brokers.md 5). */
export const FAKE_SEGMENT_CODES: Readonly<Record<string, number>> = Object.freeze({
  NSE: 1,
  NFO: 2,
  CDS: 3,
  BSE: 4,
  BFO: 5,
  BCD: 6,
  MCX: 7,
  INDICES: 9,
});

/** One row of the fake's instrument table (the columns of Kite's dump, docs/brokers.md 1.7), prices in ticks. */
export interface FakeKiteInstrument {
  readonly exchange: string;
  readonly tradingsymbol: string;
  readonly name: string;
  /** `exchange_token << 8 | segment code`. */
  readonly instrumentToken: number;
  readonly instrumentType: 'EQ' | 'FUT' | 'CE' | 'PE' | 'INDEX';
  /** NFO/BFO quantities must be multiples of it; MCX shows 1 (quantity is lots). */
  readonly lotSize: number;
  readonly tickSize: PriceTicks;
  /** Units per lot for P&L (positions' `multiplier`): 1 except MCX. */
  readonly multiplier: number;
  /** Exchange freeze quantity: above it an order needs autoslice (or is refused). null: none. */
  readonly freezeQuantity: number | null;
  readonly expiry: string | null;
  readonly strike: number;
  /** Indices are quoted, never traded. */
  readonly tradable: boolean;
}

export const fakeInstrumentToken = (exchangeToken: number, segment: keyof typeof FAKE_SEGMENT_CODES | string): number =>
  exchangeToken * 256 + (FAKE_SEGMENT_CODES[segment] ?? 0);

const eq = (tradingsymbol: string, name: string, exchangeToken: number, tickSize: PriceTicks = 500): FakeKiteInstrument => ({
  exchange: 'NSE',
  tradingsymbol,
  name,
  instrumentToken: fakeInstrumentToken(exchangeToken, 'NSE'),
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize,
  multiplier: 1,
  freezeQuantity: null,
  expiry: null,
  strike: 0,
  tradable: true,
});

/**
 * The seeded table: NSE equities (RELIANCE, INFY, SBIN, and M&M, whose ampersand must survive
 * form encoding and JSON), the NIFTY 50 index, NIFTY December 2026 future and 24000 call/put
 * (lot 75, freeze 1800), and an MCX crude future (quantity in lots, multiplier 100). Tokens of
 * the equities are their real ones; the derivatives' are made up.
 */
export const FAKE_KITE_INSTRUMENTS: readonly FakeKiteInstrument[] = Object.freeze([
  eq('RELIANCE', 'RELIANCE INDUSTRIES', 2885, 1000),
  eq('INFY', 'INFOSYS', 1594, 1000),
  eq('SBIN', 'STATE BANK OF INDIA', 3045, 500),
  eq('M&M', 'MAHINDRA & MAHINDRA', 2031, 500),
  {
    exchange: 'NSE',
    tradingsymbol: 'NIFTY 50',
    name: 'NIFTY 50',
    instrumentToken: fakeInstrumentToken(1001, 'INDICES'),
    instrumentType: 'INDEX',
    lotSize: 0,
    tickSize: 0,
    multiplier: 1,
    freezeQuantity: null,
    expiry: null,
    strike: 0,
    tradable: false,
  },
  {
    exchange: 'NFO',
    tradingsymbol: 'NIFTY26DECFUT',
    name: 'NIFTY',
    instrumentToken: fakeInstrumentToken(52001, 'NFO'),
    instrumentType: 'FUT',
    lotSize: 75,
    tickSize: 1000,
    multiplier: 1,
    freezeQuantity: 1800,
    expiry: '2026-12-29',
    strike: 0,
    tradable: true,
  },
  ...(['CE', 'PE'] as const).map(
    (type, i): FakeKiteInstrument => ({
      exchange: 'NFO',
      tradingsymbol: `NIFTY26DEC24000${type}`,
      name: 'NIFTY',
      instrumentToken: fakeInstrumentToken(52002 + i, 'NFO'),
      instrumentType: type,
      lotSize: 75,
      tickSize: 500,
      multiplier: 1,
      freezeQuantity: 1800,
      expiry: '2026-12-29',
      strike: 24000,
      tradable: true,
    }),
  ),
  {
    exchange: 'MCX',
    tradingsymbol: 'CRUDEOIL26DECFUT',
    name: 'CRUDEOIL',
    instrumentToken: fakeInstrumentToken(430001, 'MCX'),
    instrumentType: 'FUT',
    lotSize: 1,
    tickSize: 10_000,
    multiplier: 100,
    freezeQuantity: null,
    expiry: '2026-12-18',
    strike: 0,
    tradable: true,
  },
]);
