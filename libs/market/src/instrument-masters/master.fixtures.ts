import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { InstrumentMasterError } from './master-record';

/** Test helpers: a buffer as an async stream of `size`-byte chunks (boundaries anywhere). */
export async function* chunked(data: Buffer | string, size = 7): AsyncGenerator<Buffer> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export const gz = (text: string) => gzipSync(Buffer.from(text));

export const KITE_HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';

/** A Kite dump as of 2026-12-07: equity, index, monthly future, weekly and monthly options, a BSE row. */
export const KITE_CSV = [
  KITE_HEADER,
  '738561,2885,RELIANCE,RELIANCE INDUSTRIES,1420.5,,,0.1,1,EQ,NSE,NSE',
  '256265,1001,NIFTY 50,NIFTY 50,0,,0,0,0,EQ,INDICES,NSE',
  '12073986,47164,NIFTY26DECFUT,NIFTY,0,2026-12-29,0,0.1,65,FUT,NFO-FUT,NFO',
  '10000002,40001,NIFTY26D0826000CE,NIFTY,0,2026-12-08,26000,0.05,65,CE,NFO-OPT,NFO',
  '10000003,40002,NIFTY26DEC26000PE,NIFTY,0,2026-12-29,26000,0.05,65,PE,NFO-OPT,NFO',
  '128083204,500325,RELIANCE,"RELIANCE INDUSTRIES, BSE",0,,,0.05,1,EQ,BSE,BSE',
  '',
].join('\n');

const IST_EXPIRY = (date: string) => Date.parse(`${date}T14:30:00+05:30`);

export const upstoxRecord = (r: Record<string, unknown>) => JSON.stringify(r);

/** An Upstox BOD file as of 2026-12-07 (the same contracts as KITE_CSV). */
export const UPSTOX_RECORDS: Record<string, unknown>[] = [
  {
    segment: 'NSE_EQ',
    name: 'RELIANCE INDUSTRIES LTD',
    exchange: 'NSE',
    isin: 'INE002A01018',
    instrument_type: 'EQ',
    instrument_key: 'NSE_EQ|INE002A01018',
    lot_size: 1,
    freeze_quantity: 100000.0,
    exchange_token: '2885',
    tick_size: 10.0,
    trading_symbol: 'RELIANCE',
    short_name: 'Reliance',
  },
  {
    segment: 'NSE_INDEX',
    name: 'Nifty 50',
    exchange: 'NSE',
    instrument_type: 'INDEX',
    instrument_key: 'NSE_INDEX|Nifty 50',
    exchange_token: '26000',
    trading_symbol: 'NIFTY',
  },
  {
    segment: 'NSE_FO',
    name: 'NIFTY',
    exchange: 'NSE',
    expiry: IST_EXPIRY('2026-12-29'),
    weekly: false,
    instrument_key: 'NSE_FO|47164',
    exchange_token: '47164',
    trading_symbol: 'NIFTY FUT 29 DEC 26',
    tick_size: 10.0,
    lot_size: 65,
    instrument_type: 'FUT',
    underlying_symbol: 'NIFTY',
    underlying_key: 'NSE_INDEX|Nifty 50',
    minimum_lot: 65,
  },
  {
    segment: 'NSE_FO',
    name: 'NIFTY',
    exchange: 'NSE',
    expiry: IST_EXPIRY('2026-12-08'),
    weekly: true,
    instrument_key: 'NSE_FO|40001',
    exchange_token: '40001',
    trading_symbol: 'NIFTY 26000 CE 08 DEC 26',
    tick_size: 5.0,
    lot_size: 65,
    instrument_type: 'CE',
    strike_price: 26000.0,
    underlying_symbol: 'NIFTY',
  },
  {
    segment: 'NSE_FO',
    name: 'NIFTY',
    exchange: 'NSE',
    expiry: IST_EXPIRY('2026-12-29'),
    weekly: false,
    instrument_key: 'NSE_FO|40002',
    exchange_token: '40002',
    trading_symbol: 'NIFTY 26000 PE 29 DEC 26',
    tick_size: 5.0,
    lot_size: 65,
    instrument_type: 'PE',
    strike_price: 26000.0,
    underlying_symbol: 'NIFTY',
  },
  {
    segment: 'MCX_FO',
    name: 'CRUDEOIL',
    exchange: 'MCX',
    instrument_key: 'MCX_FO|1',
    exchange_token: '1',
    trading_symbol: 'CRUDEOIL FUT',
    instrument_type: 'FUT',
    tick_size: 100,
    lot_size: 1,
  },
];
export const upstoxJson = (records = UPSTOX_RECORDS) => `[\n${records.map(upstoxRecord).join(',\n')}\n]\n`;

export const OPENALGO_HEADER = 'symbol,brsymbol,name,exchange,brexchange,token,expiry,strike,lotsize,instrumenttype,tick_size';
/** An OpenAlgo instruments CSV as of 2026-12-07 (the same contracts). */
export const OPENALGO_CSV = [
  OPENALGO_HEADER,
  'RELIANCE,RELIANCE,RELIANCE INDUSTRIES,NSE,NSE,738561,,-1.0,1,EQ,0.1',
  'NIFTY,NIFTY 50,NIFTY 50,NSE_INDEX,NSE,256265,,-1.0,0,INDEX,0.0',
  'NIFTY29DEC26FUT,NIFTY26DECFUT,NIFTY,NFO,NFO,12073986,29-DEC-26,-1.0,65,FUT,0.1',
  'NIFTY08DEC2626000CE,NIFTY26D0826000CE,NIFTY,NFO,NFO,10000002,08-DEC-26,26000.0,65,CE,0.05',
  'NIFTY29DEC2626000PE,NIFTY26DEC26000PE,NIFTY,NFO,NFO,10000003,29-DEC-26,26000.0,65,PE,0.05',
  'SENSEX,SENSEX,SENSEX,BSE_INDEX,BSE,1,,-1.0,0,INDEX,0.0',
  '',
].join('\n');

/** Test helper: the InstrumentMasterError `p` rejects with (fails the test when it resolves or rejects otherwise). */
export const failure = async (p: Promise<unknown>): Promise<InstrumentMasterError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InstrumentMasterError);
  return err as InstrumentMasterError;
};
