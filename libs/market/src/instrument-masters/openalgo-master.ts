import { futureSymbol, optionSymbol, type Instrument } from '@tradeloop/domain';
import { csvFields, MasterStreamError, maybeGunzip, textLines } from './master-streams';
import {
  ddMmmYy,
  decimalToUnits,
  INDEX_TICK,
  indexSymbol,
  InstrumentMasterError,
  instrumentProblem,
  SYMBOL_PATTERN,
  type MasterRecord,
  type ParsedMaster,
} from './master-record';

/** Columns of `GET /api/v1/instruments?format=csv` (docs/brokers.md 3.7; OpenAlgo's instruments service). */
export const OPENALGO_COLUMNS = [
  'symbol',
  'brsymbol',
  'name',
  'exchange',
  'brexchange',
  'token',
  'expiry',
  'strike',
  'lotsize',
  'instrumenttype',
  'tick_size',
] as const;

/**
 * An OpenAlgo instance's instruments CSV → our instruments with their OpenAlgo keys
 * (`EXCHANGE:SYMBOL`, the pair its order API takes). Kept: `NSE` equities, `NSE_INDEX` indices,
 * `NFO` futures and options (instrumenttype FUT / CE / PE); the rest is skipped, as are
 * contracts already expired on `asOf`. `tick_size` and `strike` are rupees, `expiry` DD-MMM-YY.
 *
 * OpenAlgo's own symbols always carry the full expiry date (docs/brokers.md 3.7), so our symbol is
 * built from the contract: an option expiry is monthly when it is the last expiry of its
 * underlying in that calendar month within the file (the Kite convention: "the expiry that is both
 * the last of the month and a weekly expiry uses the monthly form").
 *
 * All or nothing, like the other masters: errors name the line.
 */
export async function parseOpenAlgoInstruments(source: AsyncIterable<Uint8Array>, opts: { asOf: string }): Promise<ParsedMaster> {
  const records: MasterRecord[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let rows = 0;
  let lastNo = 0;
  let cols: Record<(typeof OPENALGO_COLUMNS)[number], number> | undefined;
  const fail = (no: number, detail: string): never => {
    throw new InstrumentMasterError('openalgo', `line ${no}`, detail);
  };
  try {
    for await (const { line, no } of textLines(maybeGunzip(source))) {
      lastNo = no;
      if (no === 1) {
        const header = csvFields(line.replace(/^\uFEFF/, '')) ?? [];
        const missing = OPENALGO_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length) fail(no, `the header lacks ${missing.join(', ')}`);
        cols = Object.fromEntries(OPENALGO_COLUMNS.map((c) => [c, header.indexOf(c)])) as typeof cols;
        continue;
      }
      if (line === '') continue;
      rows++;
      const f = csvFields(line);
      if (!f) fail(no, 'an unclosed quote');
      if (f!.length < OPENALGO_COLUMNS.length) fail(no, `${f!.length} fields, expected ${OPENALGO_COLUMNS.length} (truncated?)`);
      const get = (c: (typeof OPENALGO_COLUMNS)[number]) => (f![cols![c]] ?? '').trim();
      const symbol = get('symbol');
      const exchange = get('exchange');
      const type = get('instrumenttype');
      const key = `${exchange}:${symbol}`;
      if (!symbol || !exchange) fail(no, 'no symbol or exchange');
      if (seen.has(key)) fail(no, `${key} appears twice`);
      seen.add(key);
      const inScope =
        (exchange === 'NSE' && type === 'EQ') || exchange === 'NSE_INDEX' || (exchange === 'NFO' && ['FUT', 'CE', 'PE'].includes(type));
      if (!inScope) {
        skipped++;
        continue;
      }
      const tickSize = decimalToUnits(get('tick_size') || '0', 4);
      if (tickSize === undefined) fail(no, `tick_size ${JSON.stringify(get('tick_size'))} is not a price`);
      const lotText = get('lotsize').replace(/\.0+$/, '');
      if (!/^\d+$/.test(lotText) && exchange !== 'NSE_INDEX') fail(no, `lotsize ${JSON.stringify(get('lotsize'))} is not a whole number`);
      const lotSize = /^\d+$/.test(lotText) ? Number(lotText) : 1;
      const name = get('name') || symbol;
      let instrument: Instrument;
      if (exchange === 'NSE_INDEX') {
        instrument = {
          symbol: indexSymbol(symbol),
          exchange: 'NSE',
          name,
          instrumentType: 'INDEX',
          lotSize: Math.max(1, lotSize),
          tickSize: tickSize! > 0 ? tickSize! : INDEX_TICK,
        };
      } else if (exchange === 'NSE') {
        instrument = { symbol, exchange: 'NSE', name, instrumentType: 'EQ', lotSize, tickSize: tickSize! };
      } else {
        const expiry = ddMmmYy(get('expiry'));
        if (!expiry) fail(no, `expiry ${JSON.stringify(get('expiry'))} is not DD-MMM-YY`);
        const ft = type as 'FUT' | 'CE' | 'PE';
        const strike = ft === 'FUT' ? undefined : decimalToUnits(get('strike'), 4);
        if (ft !== 'FUT' && !strike) fail(no, `strike ${JSON.stringify(get('strike'))} is not a price`);
        if (!get('name')) fail(no, 'a derivative without its underlying (name)');
        if (expiry! < opts.asOf) {
          skipped++;
          continue;
        }
        // The symbol is settled below, once every expiry of the underlying is known.
        instrument = {
          symbol: '',
          exchange: 'NFO',
          name: '',
          instrumentType: ft,
          lotSize,
          tickSize: tickSize!,
          expiry: expiry!,
          ...(strike ? { strike } : {}),
          underlying: get('name'),
        };
      }
      if (instrument.exchange === 'NSE' && !SYMBOL_PATTERN.test(instrument.symbol)) {
        skipped++;
        continue;
      }
      const token = get('token');
      records.push({
        instrument,
        brokerKey: { key, ...(token ? { exchangeToken: token } : {}), brokerSymbol: symbol, brokerExchange: exchange },
        at: `line ${no}`,
      });
    }
  } catch (err) {
    if (err instanceof MasterStreamError)
      throw new InstrumentMasterError('openalgo', `line ${lastNo + 1}`, `the file ends early (${err.message})`);
    throw err;
  }
  if (lastNo === 0) throw new InstrumentMasterError('openalgo', 'line 1', 'the file is empty');
  const monthly = monthlyExpiries(records.map((r) => r.instrument));
  const kept: MasterRecord[] = [];
  for (const r of records) {
    const i = r.instrument;
    if (i.exchange === 'NFO') {
      const t = i.instrumentType as 'FUT' | 'CE' | 'PE';
      i.symbol =
        t === 'FUT'
          ? futureSymbol(i.underlying!, i.expiry!)
          : optionSymbol(i.underlying!, i.expiry!, i.strike!, t, monthly.has(`${i.underlying}|${i.expiry}`));
      i.name = i.symbol;
      if (!SYMBOL_PATTERN.test(i.symbol)) {
        skipped++;
        continue;
      }
    }
    const problem = instrumentProblem(i);
    if (problem) throw new InstrumentMasterError('openalgo', r.at, problem);
    kept.push(r);
  }
  return { broker: 'openalgo', records: kept, rows, skipped };
}

/** `underlying|expiry` of every option expiry that is the last of its underlying's month in `instruments`. */
export function monthlyExpiries(instruments: readonly Instrument[]): Set<string> {
  const last = new Map<string, string>();
  for (const i of instruments) {
    if ((i.instrumentType !== 'CE' && i.instrumentType !== 'PE') || !i.expiry || !i.underlying) continue;
    const month = `${i.underlying}|${i.expiry.slice(0, 7)}`;
    const cur = last.get(month);
    if (!cur || i.expiry > cur) last.set(month, i.expiry);
  }
  return new Set([...last.entries()].map(([m, e]) => `${m.split('|')[0]}|${e}`));
}
