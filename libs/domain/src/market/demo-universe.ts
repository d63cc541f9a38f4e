import { futureSymbol, lastTuesdayOfMonth, nextTuesdays, optionSymbol, type Instrument } from './instruments';

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

/** Index levels and derivative specs. Lot sizes are demo values; real ones come from the broker's master. */
export const DEMO_INDICES = [
  { symbol: 'NIFTY', name: 'Nifty 50', level: 25_900, lotSize: 65, strikeStep: 50 },
  { symbol: 'BANKNIFTY', name: 'Nifty Bank', level: 58_300, lotSize: 30, strikeStep: 100 },
] as const;

/**
 * The demo universe as of a date: the equities, both indices, three monthly futures per index,
 * and option chains (±20 strikes around the index level) for the next two weekly expiries and
 * the current monthly one. Deterministic for a given date.
 */
export function demoUniverse(asOf: Date): Instrument[] {
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
    const atm = Math.round(idx.level / idx.strikeStep) * idx.strikeStep;
    const weeklies = nextTuesdays(asOf, 2).filter((d) => d !== monthlies[0]);
    const expiries = [...weeklies.map((d) => ({ d, monthly: false })), { d: monthlies[0]!, monthly: true }];
    for (const { d, monthly } of expiries) {
      for (let k = -20; k <= 20; k += 1) {
        const strike = (atm + k * idx.strikeStep) * RUPEE;
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
