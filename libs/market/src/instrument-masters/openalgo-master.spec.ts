import { parseOpenAlgoInstruments, monthlyExpiries } from './openalgo-master';
import { parseKiteInstruments } from './kite-master';
import { InstrumentMasterError } from './master-record';
import { chunked, gz, KITE_CSV, OPENALGO_CSV, OPENALGO_HEADER } from './master.fixtures';

const asOf = '2026-12-07';
const parse = (text: string | Buffer, size = 9) => parseOpenAlgoInstruments(chunked(text, size), { asOf });

describe('parseOpenAlgoInstruments (docs/brokers.md 3.7)', () => {
  it('maps NSE, NSE_INDEX and NFO rows keyed EXCHANGE:SYMBOL; BSE_INDEX skipped', async () => {
    const m = await parse(gz(OPENALGO_CSV));
    expect(m).toMatchObject({ broker: 'openalgo', rows: 6, skipped: 1 });
    expect(m.records.map((r) => r.brokerKey.key)).toEqual([
      'NSE:RELIANCE',
      'NSE_INDEX:NIFTY',
      'NFO:NIFTY29DEC26FUT',
      'NFO:NIFTY08DEC2626000CE',
      'NFO:NIFTY29DEC2626000PE',
    ]);
    expect(m.records[3]!.brokerKey).toEqual({
      key: 'NFO:NIFTY08DEC2626000CE',
      exchangeToken: '10000002',
      brokerSymbol: 'NIFTY08DEC2626000CE',
      brokerExchange: 'NFO',
    });
  });

  it('gives the same canonical instruments as Kite: weekly vs monthly decided by the last expiry of the month', async () => {
    const kite = await parseKiteInstruments(chunked(KITE_CSV), { asOf });
    const oa = await parse(OPENALGO_CSV);
    const core = (i: (typeof kite.records)[number]['instrument']) => ({ ...i, name: '' });
    expect(oa.records.map((r) => core(r.instrument))).toEqual(kite.records.map((r) => core(r.instrument)));
  });

  it('monthlyExpiries: the last option expiry of each underlying and month', () => {
    const opt = (underlying: string, expiry: string) => ({
      symbol: 'X',
      exchange: 'NFO' as const,
      name: 'X',
      instrumentType: 'CE' as const,
      lotSize: 1,
      tickSize: 1,
      strike: 1,
      expiry,
      underlying,
    });
    expect(
      [...monthlyExpiries([opt('A', '2026-12-08'), opt('A', '2026-12-29'), opt('B', '2026-12-08'), opt('A', '2027-01-26')])].sort(),
    ).toEqual(['A|2026-12-29', 'A|2027-01-26', 'B|2026-12-08']);
  });

  it.each([
    ['a header without tick_size', 'symbol,exchange\nX,NSE', 'line 1', /tick_size/],
    ['a bad expiry', `${OPENALGO_HEADER}\nNIFTY29DEC26FUT,X,NIFTY,NFO,NFO,1,2026-12-29,-1.0,65,FUT,0.1`, 'line 2', /DD-MMM-YY/],
    ['a bad lot size', `${OPENALGO_HEADER}\nRELIANCE,R,R,NSE,NSE,1,,-1.0,x,EQ,0.1`, 'line 2', /lotsize/],
    [
      'a repeated symbol',
      `${OPENALGO_HEADER}\nRELIANCE,R,R,NSE,NSE,1,,-1.0,1,EQ,0.1\nRELIANCE,R,R,NSE,NSE,1,,-1.0,1,EQ,0.1`,
      'line 3',
      /twice/,
    ],
    ['a short line', `${OPENALGO_HEADER}\nRELIANCE,R,R,NSE`, 'line 2', /fields/],
  ])('%s is refused, naming the line', async (_what, csv, at, detail) => {
    const err = (await parse(csv).catch((e: unknown) => e)) as InstrumentMasterError;
    expect(err).toBeInstanceOf(InstrumentMasterError);
    expect(err.at).toBe(at);
    expect(err.detail).toMatch(detail);
  });
});
