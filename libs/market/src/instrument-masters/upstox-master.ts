import { optionSymbol, futureSymbol, type Instrument } from '@tradeloop/domain';
import { JsonArrayError, jsonArrayRecords, MasterStreamError, maybeGunzip } from './master-streams';
import {
  decimalToUnits,
  epochMsToIstDate,
  INDEX_TICK,
  indexSymbol,
  InstrumentMasterError,
  instrumentProblem,
  numberText,
  SYMBOL_PATTERN,
  type MasterRecord,
  type ParsedMaster,
} from './master-record';

/** The fields of an Upstox BOD record we read (docs/brokers.md 2.7). */
interface UpstoxRecord {
  segment?: unknown;
  name?: unknown;
  exchange?: unknown;
  instrument_key?: unknown;
  exchange_token?: unknown;
  trading_symbol?: unknown;
  tick_size?: unknown;
  lot_size?: unknown;
  instrument_type?: unknown;
  strike_price?: unknown;
  expiry?: unknown;
  weekly?: unknown;
  underlying_symbol?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Upstox's BOD instruments JSON (`complete.json.gz`, an array of objects; docs/brokers.md 2.7) →
 * our instruments with their Upstox keys. Kept: `NSE_EQ` equities (instrument_type EQ),
 * `NSE_INDEX` indices and `NSE_FO` futures and options; the rest is counted as skipped, as are
 * contracts already expired on `asOf`.
 *
 * - The key is `instrument_key` (`NSE_FO|43919`): exchanges reuse `exchange_token` after a
 *   contract expires, so a token alone never identifies an instrument.
 * - `tick_size` is in paise (5 = ₹0.05); `expiry` is epoch milliseconds (its IST day is the
 *   expiry date); `strike_price` is rupees.
 * - Derivative symbols are ours (Kite's convention): a `weekly` contract gets the weekly form
 *   (`NIFTY26N2424350CE`), the others the monthly one (`NIFTY26NOV24350CE`). Imports match
 *   derivatives by contract (underlying, type, expiry, strike), not by symbol, so a broker that
 *   spells a weekly differently never makes a second instrument.
 *
 * All or nothing: a record that is not JSON, lacks a field, or repeats an instrument_key, or an
 * array that never closes (a truncated file), throws an InstrumentMasterError naming the record.
 */
export async function parseUpstoxInstruments(source: AsyncIterable<Uint8Array>, opts: { asOf: string }): Promise<ParsedMaster> {
  const records: MasterRecord[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let rows = 0;
  const fail = (no: number, detail: string): never => {
    throw new InstrumentMasterError('upstox', `record ${no}`, detail);
  };
  try {
    for await (const { text, no } of jsonArrayRecords(maybeGunzip(source))) {
      rows++;
      let r: UpstoxRecord;
      try {
        r = JSON.parse(text) as UpstoxRecord;
      } catch (err) {
        return fail(no, `not JSON (${(err as Error).message})`);
      }
      const key = str(r.instrument_key);
      const segment = str(r.segment);
      if (!key || !segment || !key.startsWith(`${segment}|`)) fail(no, 'instrument_key must be "<segment>|<token>"');
      if (seen.has(key!)) fail(no, `instrument_key ${key} appears twice`);
      seen.add(key!);
      const type = str(r.instrument_type) ?? '';
      const tradingSymbol = str(r.trading_symbol);
      if (!tradingSymbol) fail(no, 'no trading_symbol');
      const inScope =
        (segment === 'NSE_EQ' && type === 'EQ') || segment === 'NSE_INDEX' || (segment === 'NSE_FO' && ['FUT', 'CE', 'PE'].includes(type));
      if (!inScope) {
        skipped++;
        continue;
      }
      const tickPaise = numberText(r.tick_size);
      const tickSize = tickPaise === undefined ? undefined : decimalToUnits(tickPaise, 2);
      if (tickSize === undefined && segment !== 'NSE_INDEX') fail(no, `tick_size ${JSON.stringify(r.tick_size)} is not a price in paise`);
      const lotText = numberText(r.lot_size);
      const lotSize = lotText !== undefined && /^\d+$/.test(lotText) ? Number(lotText) : undefined;
      if (lotSize === undefined && segment !== 'NSE_INDEX') fail(no, `lot_size ${JSON.stringify(r.lot_size)} is not a whole number`);
      const name = str(r.name) ?? tradingSymbol!;

      let instrument: Instrument;
      if (segment === 'NSE_INDEX') {
        instrument = {
          symbol: indexSymbol(tradingSymbol!),
          exchange: 'NSE',
          name,
          instrumentType: 'INDEX',
          lotSize: Math.max(1, lotSize ?? 1),
          tickSize: tickSize && tickSize > 0 ? tickSize : INDEX_TICK,
        };
      } else if (segment === 'NSE_EQ') {
        instrument = { symbol: tradingSymbol!, exchange: 'NSE', name, instrumentType: 'EQ', lotSize: lotSize!, tickSize: tickSize! };
      } else {
        if (typeof r.expiry !== 'number' || !Number.isSafeInteger(r.expiry) || r.expiry <= 0)
          return fail(no, `expiry ${JSON.stringify(r.expiry)} is not epoch milliseconds`);
        const expiry = epochMsToIstDate(r.expiry);
        const underlying = str(r.underlying_symbol);
        if (!underlying) fail(no, 'a derivative without underlying_symbol');
        const ft = type as 'FUT' | 'CE' | 'PE';
        let strike: number | undefined;
        if (ft !== 'FUT') {
          const s = numberText(r.strike_price);
          strike = s === undefined ? undefined : decimalToUnits(s, 4);
          if (!strike) fail(no, `strike_price ${JSON.stringify(r.strike_price)} is not a price`);
        }
        if (r.weekly !== undefined && typeof r.weekly !== 'boolean') fail(no, 'weekly must be true or false');
        if (expiry < opts.asOf) {
          skipped++;
          continue;
        }
        const symbol = ft === 'FUT' ? futureSymbol(underlying!, expiry) : optionSymbol(underlying!, expiry, strike!, ft, r.weekly !== true);
        instrument = {
          symbol,
          exchange: 'NFO',
          name: symbol,
          instrumentType: ft,
          lotSize: lotSize!,
          tickSize: tickSize!,
          expiry,
          ...(strike ? { strike } : {}),
          underlying: underlying!,
        };
      }
      if (!SYMBOL_PATTERN.test(instrument.symbol)) {
        skipped++;
        continue;
      }
      const problem = instrumentProblem(instrument);
      if (problem) fail(no, problem);
      const exchangeToken = str(r.exchange_token);
      records.push({
        instrument,
        brokerKey: { key: key!, ...(exchangeToken ? { exchangeToken } : {}), brokerSymbol: tradingSymbol!, brokerExchange: segment! },
        at: `record ${no}`,
      });
    }
  } catch (err) {
    if (err instanceof JsonArrayError) throw new InstrumentMasterError('upstox', `record ${err.record}`, err.message);
    if (err instanceof MasterStreamError)
      throw new InstrumentMasterError('upstox', `record ${rows + 1}`, `the file ends early (${err.message})`);
    throw err;
  }
  return { broker: 'upstox', records, rows, skipped };
}
