import type { Instrument } from './instruments';
import { PRICE_SCALE, type PriceTicks } from './price';
import { impliedVolatility } from '../alerts/greeks';
import { derivativeLiquidity, RISK_FREE_RATE, yearsToExpiry } from './simulation/derivative-model';

/**
 * An option chain (docs/api.md `GET /api/v1/market/option-chain`): one underlying's calls and
 * puts of one expiry, strike by strike around the money, with each side's live quote, its implied
 * volatility (Black–Scholes inverted on its LTP, the pricer the simulator uses) and open interest.
 */

/** What the chain reads of one option's latest quote (prices in ticks). */
export interface ChainQuote {
  ltp: PriceTicks;
  bid: PriceTicks;
  ask: PriceTicks;
  prevClose: PriceTicks;
  volume: number;
}

export interface ChainSide {
  symbol: string;
  lotSize: number;
  quote: ChainQuote | null;
  /** Implied volatility as a fraction (0.142 = 14.2 %); null without a price or where none fits. */
  iv: number | null;
  /** Contracts open, in units; null where the source has none. */
  oi: number | null;
}

export interface ChainRow {
  strike: PriceTicks;
  call: ChainSide | null;
  put: ChainSide | null;
}

export interface OptionChain {
  expiry: string;
  /** The strike nearest the spot (the lower on a tie); null without a spot. */
  atmStrike: PriceTicks | null;
  rows: ChainRow[];
}

/**
 * Open interest of a simulated option, from the same liquidity model that decides how much it
 * trades (derivative-model.ts): four sessions' worth of its average units, in whole lots, with the
 * market's usual lean — calls written above the spot, puts below it. Measured at the underlying's
 * previous close, so it stands still through the day as an exchange's published figure does.
 */
export function simulatedOpenInterest(instrument: Instrument, underlyingPrevClose: PriceTicks): number {
  const { unitsPerDay } = derivativeLiquidity(instrument, underlyingPrevClose);
  const above = instrument.strike! > underlyingPrevClose;
  const lean = instrument.instrumentType === 'CE' ? (above ? 1.3 : 0.7) : above ? 0.7 : 1.3;
  const lots = Math.round((4 * unitsPerDay * lean) / instrument.lotSize);
  return lots * instrument.lotSize;
}

export interface ChainInput {
  /** The underlying's options (any expiries; the chain takes `expiry`'s). */
  options: readonly Instrument[];
  expiry: string;
  spot: PriceTicks | null;
  /** Strikes each side of the money to show. */
  strikesEachSide: number;
  quoteOf: (symbol: string) => ChainQuote | undefined;
  openInterestOf: (instrument: Instrument) => number | null;
  /** Wall time, epoch ms (for the time to expiry). */
  now: number;
}

/** The chain around the money: `strikesEachSide` strikes below the ATM strike, it, and as many above, low to high. */
export function buildOptionChain(input: ChainInput): OptionChain {
  const byStrike = new Map<PriceTicks, ChainRow>();
  for (const o of input.options) {
    if (o.expiry !== input.expiry || o.strike === undefined || (o.instrumentType !== 'CE' && o.instrumentType !== 'PE')) continue;
    const row = byStrike.get(o.strike) ?? { strike: o.strike, call: null, put: null };
    const quote = input.quoteOf(o.symbol) ?? null;
    const years = yearsToExpiry(o.expiry, input.now);
    const iv =
      quote && input.spot !== null
        ? impliedVolatility(
            o.instrumentType,
            quote.ltp / PRICE_SCALE,
            input.spot / PRICE_SCALE,
            o.strike / PRICE_SCALE,
            years,
            RISK_FREE_RATE,
          )
        : null;
    const side: ChainSide = { symbol: o.symbol, lotSize: o.lotSize, quote, iv, oi: input.openInterestOf(o) };
    if (o.instrumentType === 'CE') row.call = side;
    else row.put = side;
    byStrike.set(o.strike, row);
  }
  const strikes = [...byStrike.keys()].sort((a, b) => a - b);
  if (strikes.length === 0) return { expiry: input.expiry, atmStrike: null, rows: [] };
  let atmIndex = Math.floor(strikes.length / 2);
  if (input.spot !== null) {
    const spot = input.spot;
    atmIndex = strikes.reduce((best, k, i) => (Math.abs(k - spot) < Math.abs(strikes[best]! - spot) ? i : best), 0);
  }
  const from = Math.max(0, atmIndex - input.strikesEachSide);
  const to = Math.min(strikes.length, atmIndex + input.strikesEachSide + 1);
  return {
    expiry: input.expiry,
    atmStrike: input.spot === null ? null : strikes[atmIndex]!,
    rows: strikes.slice(from, to).map((k) => byStrike.get(k)!),
  };
}

/** The unexpired expiries among `options` on `today` (YYYY-MM-DD), soonest first. */
export function chainExpiries(options: readonly Instrument[], today: string): string[] {
  return [...new Set(options.filter((o) => o.instrumentType === 'CE' || o.instrumentType === 'PE').map((o) => o.expiry!))]
    .filter((d) => d >= today)
    .sort();
}
