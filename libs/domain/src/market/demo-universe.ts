import { futureSymbol, lastTuesdayOfMonth, nextTuesdays, optionSymbol, type Instrument } from './instruments';
import type { PriceTicks } from './price';

const RUPEE = 10_000;
const FIVE_PAISE = 500;

/** Fifty NSE equities with approximate recent prices (₹), for the simulated feed's start. */
export const DEMO_EQUITIES: readonly (readonly [symbol: string, name: string, price: number])[] = [
  ['RELIANCE', 'Reliance Industries', 1420],
  ['TCS', 'Tata Consultancy Services', 3450],
  ['HDFCBANK', 'HDFC Bank', 1720],
  ['INFY', 'Infosys', 1560],
  ['ICICIBANK', 'ICICI Bank', 1380],
  ['HINDUNILVR', 'Hindustan Unilever', 2420],
  ['ITC', 'ITC', 415],
  ['SBIN', 'State Bank of India', 810],
  ['BHARTIARTL', 'Bharti Airtel', 1890],
  ['KOTAKBANK', 'Kotak Mahindra Bank', 2080],
  ['LT', 'Larsen & Toubro', 3620],
  ['AXISBANK', 'Axis Bank', 1150],
  ['ASIANPAINT', 'Asian Paints', 2380],
  ['MARUTI', 'Maruti Suzuki India', 12450],
  ['SUNPHARMA', 'Sun Pharmaceutical', 1690],
  ['TITAN', 'Titan Company', 3380],
  ['BAJFINANCE', 'Bajaj Finance', 920],
  ['ULTRACEMCO', 'UltraTech Cement', 11900],
  ['NESTLEIND', 'Nestle India', 1190],
  ['WIPRO', 'Wipro', 252],
  ['HCLTECH', 'HCL Technologies', 1520],
  ['TECHM', 'Tech Mahindra', 1480],
  ['POWERGRID', 'Power Grid Corporation', 290],
  ['NTPC', 'NTPC', 335],
  ['ONGC', 'Oil & Natural Gas Corporation', 245],
  ['TATAMOTORS', 'Tata Motors', 690],
  ['TATASTEEL', 'Tata Steel', 165],
  ['JSWSTEEL', 'JSW Steel', 1060],
  ['ADANIENT', 'Adani Enterprises', 2380],
  ['ADANIPORTS', 'Adani Ports & SEZ', 1410],
  ['COALINDIA', 'Coal India', 385],
  ['BAJAJFINSV', 'Bajaj Finserv', 2010],
  ['HDFCLIFE', 'HDFC Life Insurance', 760],
  ['SBILIFE', 'SBI Life Insurance', 1820],
  ['GRASIM', 'Grasim Industries', 2790],
  ['DRREDDY', "Dr. Reddy's Laboratories", 1270],
  ['CIPLA', 'Cipla', 1510],
  ['DIVISLAB', "Divi's Laboratories", 6150],
  ['EICHERMOT', 'Eicher Motors', 6900],
  ['HEROMOTOCO', 'Hero MotoCorp', 5400],
  ['BRITANNIA', 'Britannia Industries', 5900],
  ['APOLLOHOSP', 'Apollo Hospitals', 7500],
  ['INDUSINDBK', 'IndusInd Bank', 760],
  ['M&M', 'Mahindra & Mahindra', 3600],
  ['BPCL', 'Bharat Petroleum', 340],
  ['TATACONSUM', 'Tata Consumer Products', 1150],
  ['SHRIRAMFIN', 'Shriram Finance', 680],
  ['HINDALCO', 'Hindalco Industries', 780],
  ['TRENT', 'Trent', 4800],
  ['BEL', 'Bharat Electronics', 410],
];

/**
 * Index start levels (₹, where the simulated market starts when nothing is stored) and derivative
 * specs. Lot sizes are demo values; real ones come from the broker's master.
 */
export const DEMO_INDICES = [
  { symbol: 'NIFTY', name: 'Nifty 50', level: 25_900, lotSize: 65, strikeStep: 50 },
  { symbol: 'BANKNIFTY', name: 'Nifty Bank', level: 58_300, lotSize: 30, strikeStep: 100 },
] as const;

/** Strikes listed either side of the at-the-money one, per expiry. */
export const DEMO_STRIKES_EACH_SIDE = 20;

/** Index levels (ticks) by index symbol: where the listed strikes are centred. */
export type IndexLevels = ReadonlyMap<string, PriceTicks>;

/**
 * The level of each demo index to list strikes around: the known one (e.g. its latest stored or
 * live price), else its start level. Unknown, non-positive or non-integer levels are ignored.
 */
export function demoIndexLevels(known: ReadonlyMap<string, { price: PriceTicks } | PriceTicks> = new Map()): Map<string, PriceTicks> {
  const out = new Map<string, PriceTicks>();
  for (const idx of DEMO_INDICES) {
    const k = known.get(idx.symbol);
    const price = typeof k === 'number' ? k : k?.price;
    out.set(idx.symbol, price !== undefined && Number.isSafeInteger(price) && price > 0 ? price : idx.level * RUPEE);
  }
  return out;
}

/** The at-the-money strike (ticks) of an index at `level` (ticks): the nearest multiple of its step, a half rounding up. */
export function demoAtmStrike(strikeStepRupees: number, level: PriceTicks): PriceTicks {
  const step = strikeStepRupees * RUPEE;
  return Math.max(step, Math.floor((2 * level + step) / (2 * step)) * step);
}

/**
 * The demo universe as of a date (its UTC calendar day; pass an IST date at 00:00Z): the
 * equities, both indices, three monthly futures per index, and option chains for the next two
 * weekly expiries and the current monthly one, DEMO_STRIKES_EACH_SIDE strikes either side of the
 * at-the-money strike at each index's level in `levels` (else its start level). Expiries before
 * the date are not listed: as days pass, the next ones are. Deterministic for a date and levels.
 */
export function demoUniverse(asOf: Date, levels: IndexLevels = new Map()): Instrument[] {
  const out: Instrument[] = DEMO_EQUITIES.map(([symbol, name]) => ({
    symbol,
    exchange: 'NSE',
    name,
    instrumentType: 'EQ',
    lotSize: 1,
    tickSize: FIVE_PAISE,
  }));
  const y = asOf.getUTCFullYear();
  const m = asOf.getUTCMonth() + 1;
  const today = asOf.toISOString().slice(0, 10);
  const monthlies = [0, 1, 2]
    .map((k) => lastTuesdayOfMonth(y + Math.floor((m - 1 + k) / 12), ((m - 1 + k) % 12) + 1))
    .filter((d) => d >= today);
  if (monthlies.length < 3) monthlies.push(lastTuesdayOfMonth(y + Math.floor((m + 2) / 12), ((m + 2) % 12) + 1));
  const at = demoIndexLevels(levels);
  for (const idx of DEMO_INDICES) {
    out.push({ symbol: idx.symbol, exchange: 'NSE', name: idx.name, instrumentType: 'INDEX', lotSize: 1, tickSize: FIVE_PAISE });
    for (const expiry of monthlies.slice(0, 3)) {
      out.push({
        symbol: futureSymbol(idx.symbol, expiry),
        exchange: 'NFO',
        name: `${idx.name} future ${expiry}`,
        instrumentType: 'FUT',
        lotSize: idx.lotSize,
        tickSize: FIVE_PAISE * 2,
        expiry,
        underlying: idx.symbol,
      });
    }
    const atm = demoAtmStrike(idx.strikeStep, at.get(idx.symbol)!) / RUPEE;
    const weeklies = nextTuesdays(asOf, 2).filter((d) => d !== monthlies[0]);
    const expiries = [...weeklies.map((d) => ({ d, monthly: false })), { d: monthlies[0]!, monthly: true }];
    for (const { d, monthly } of expiries) {
      for (let k = -DEMO_STRIKES_EACH_SIDE; k <= DEMO_STRIKES_EACH_SIDE; k += 1) {
        const strike = (atm + k * idx.strikeStep) * RUPEE;
        if (strike <= 0) continue;
        for (const type of ['CE', 'PE'] as const) {
          out.push({
            symbol: optionSymbol(idx.symbol, d, strike, type, monthly),
            exchange: 'NFO',
            name: `${idx.name} ${strike / RUPEE} ${type} ${d}`,
            instrumentType: type,
            lotSize: idx.lotSize,
            tickSize: FIVE_PAISE,
            expiry: d,
            strike,
            underlying: idx.symbol,
          });
        }
      }
    }
  }
  return out;
}
