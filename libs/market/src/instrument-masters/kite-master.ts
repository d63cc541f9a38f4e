import type { Instrument } from '@tradeloop/domain';
import { csvFields, MasterStreamError, maybeGunzip, textLines } from './master-streams';
import {
  decimalToUnits,
  INDEX_TICK,
  indexSymbol,
  InstrumentMasterError,
  instrumentProblem,
  isoDate,
  type MasterRecord,
  type ParsedMaster,
  SYMBOL_PATTERN,
} from './master-record';

/** Kite's instruments dump columns, in order (docs/brokers.md 1.7). */
export const KITE_COLUMNS = [
  'instrument_token',
  'exchange_token',
  'tradingsymbol',
  'name',
  'last_price',
  'expiry',
  'strike',
  'tick_size',
  'lot_size',
  'instrument_type',
  'segment',
  'exchange',
] as const;

/**
 * Kite's instruments CSV (`GET /instruments`, docs/brokers.md 1.7) → our instruments with their
 * Kite keys. We keep NSE cash (segment `NSE`), NSE indices (segment `INDICES`, exchange `NSE`)
 * and NFO futures and options; other exchanges are counted as skipped, as are contracts already
 * expired on `asOf`. Kite's tradingsymbol is our symbol (our symbols follow Kite's convention,
 * weekly option codes included); indices get our short names (`NIFTY 50` → `NIFTY`).
 *
 * All or nothing: any malformed line (wrong column count, bad number or date, a duplicate
 * instrument_token) or a truncated file throws an InstrumentMasterError naming the line.
 */
export async function parseKiteInstruments(source: AsyncIterable<Uint8Array>, opts: { asOf: string }): Promise<ParsedMaster> {
  const records: MasterRecord[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let rows = 0;
  let lastNo = 0;
  const fail = (no: number, detail: string): never => {
    throw new InstrumentMasterError('kite', `line ${no}`, detail);
  };
  try {
    for await (const { line, no } of textLines(maybeGunzip(source))) {
      lastNo = no;
      if (no === 1) {
        if (line.replace(/^\uFEFF/, '') !== KITE_COLUMNS.join(',')) fail(no, `the header is not ${KITE_COLUMNS.join(',')}`);
        continue;
      }
      if (line === '') continue;
      rows++;
      const f = csvFields(line);
      if (!f) fail(no, 'an unclosed quote');
      if (f!.length !== KITE_COLUMNS.length) fail(no, `${f!.length} fields, expected ${KITE_COLUMNS.length} (truncated?)`);
      const [token, exchangeToken, tradingsymbol, name, , expiry, strike, tick, lot, type, segment, exchange] = f as string[] as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      if (!/^\d+$/.test(token)) fail(no, `instrument_token ${JSON.stringify(token)} is not a number`);
      if (seen.has(token)) fail(no, `instrument_token ${token} appears twice`);
      seen.add(token);
      const tickSize = decimalToUnits(tick, 4);
      if (tickSize === undefined) fail(no, `tick_size ${JSON.stringify(tick)} is not a price`);
      if (!/^\d+$/.test(lot)) fail(no, `lot_size ${JSON.stringify(lot)} is not a whole number`);
      const lotSize = Number(lot);

      let instrument: Instrument | undefined;
      if (segment === 'INDICES' && exchange === 'NSE') {
        instrument = {
          symbol: indexSymbol(tradingsymbol),
          exchange: 'NSE',
          name: name || tradingsymbol,
          instrumentType: 'INDEX',
          lotSize: Math.max(1, lotSize),
          tickSize: tickSize! > 0 ? tickSize! : INDEX_TICK,
        };
      } else if (segment === 'NSE' && exchange === 'NSE' && type === 'EQ') {
        instrument = {
          symbol: tradingsymbol,
          exchange: 'NSE',
          name: name || tradingsymbol,
          instrumentType: 'EQ',
          lotSize,
          tickSize: tickSize!,
        };
      } else if (exchange === 'NFO' && (type === 'FUT' || type === 'CE' || type === 'PE')) {
        const day = isoDate(expiry);
        if (!day) fail(no, `expiry ${JSON.stringify(expiry)} is not YYYY-MM-DD`);
        const strikeTicks = decimalToUnits(strike, 4);
        if (strikeTicks === undefined) fail(no, `strike ${JSON.stringify(strike)} is not a price`);
        if (!name) fail(no, 'a derivative without its underlying (name)');
        if (day! < opts.asOf) {
          skipped++;
          continue;
        }
        instrument = {
          symbol: tradingsymbol,
          exchange: 'NFO',
          name: tradingsymbol,
          instrumentType: type,
          lotSize,
          tickSize: tickSize!,
          expiry: day!,
          ...(type === 'FUT' ? {} : { strike: strikeTicks! }),
          underlying: name,
        };
      }
      // A symbol outside our alphabet is not a malformed file, only one we cannot store.
      if (!instrument || !SYMBOL_PATTERN.test(instrument.symbol)) {
        skipped++;
        continue;
      }
      const problem = instrumentProblem(instrument);
      if (problem) fail(no, problem);
      records.push({
        instrument,
        brokerKey: { key: token, exchangeToken, brokerSymbol: tradingsymbol, brokerExchange: exchange },
        at: `line ${no}`,
      });
    }
  } catch (err) {
    if (err instanceof MasterStreamError)
      throw new InstrumentMasterError('kite', `line ${lastNo + 1}`, `the file ends early (${err.message})`);
    throw err;
  }
  if (lastNo === 0) throw new InstrumentMasterError('kite', 'line 1', 'the file is empty');
  return { broker: 'kite', records, rows, skipped };
}
