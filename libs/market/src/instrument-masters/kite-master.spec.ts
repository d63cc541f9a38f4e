import { parseKiteInstruments } from './kite-master';
import { chunked, failure, gz, KITE_CSV, KITE_HEADER } from './master.fixtures';

const asOf = '2026-12-07';
const parse = (text: string | Buffer, size = 7) => parseKiteInstruments(chunked(text, size), { asOf });

describe('parseKiteInstruments (docs/brokers.md 1.7)', () => {
  it('maps NSE cash, NSE indices and NFO futures and options with their Kite keys; BSE is skipped', async () => {
    const m = await parse(KITE_CSV);
    expect(m).toMatchObject({ broker: 'kite', rows: 6, skipped: 1 });
    expect(m.records.map((r) => r.instrument)).toEqual([
      { symbol: 'RELIANCE', exchange: 'NSE', name: 'RELIANCE INDUSTRIES', instrumentType: 'EQ', lotSize: 1, tickSize: 1_000 },
      { symbol: 'NIFTY', exchange: 'NSE', name: 'NIFTY 50', instrumentType: 'INDEX', lotSize: 1, tickSize: 500 },
      {
        symbol: 'NIFTY26DECFUT',
        exchange: 'NFO',
        name: 'NIFTY26DECFUT',
        instrumentType: 'FUT',
        lotSize: 65,
        tickSize: 1_000,
        expiry: '2026-12-29',
        underlying: 'NIFTY',
      },
      {
        symbol: 'NIFTY26D0826000CE',
        exchange: 'NFO',
        name: 'NIFTY26D0826000CE',
        instrumentType: 'CE',
        lotSize: 65,
        tickSize: 500,
        expiry: '2026-12-08',
        strike: 260_000_000,
        underlying: 'NIFTY',
      },
      {
        symbol: 'NIFTY26DEC26000PE',
        exchange: 'NFO',
        name: 'NIFTY26DEC26000PE',
        instrumentType: 'PE',
        lotSize: 65,
        tickSize: 500,
        expiry: '2026-12-29',
        strike: 260_000_000,
        underlying: 'NIFTY',
      },
    ]);
    expect(m.records[0]!.brokerKey).toEqual({ key: '738561', exchangeToken: '2885', brokerSymbol: 'RELIANCE', brokerExchange: 'NSE' });
    expect(m.records[1]!.brokerKey).toEqual({ key: '256265', exchangeToken: '1001', brokerSymbol: 'NIFTY 50', brokerExchange: 'NSE' });
    expect(m.records.map((r) => r.at)).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
  });

  it('reads the gzipped dump the same, whatever the chunk boundaries, and CRLF lines', async () => {
    const plain = await parse(KITE_CSV);
    for (const size of [1, 3, 64, 1 << 16]) expect(await parse(gz(KITE_CSV), size)).toEqual(plain);
    expect(await parse(KITE_CSV.replace(/\n/g, '\r\n'))).toEqual(plain);
  });

  it('keeps the weekly option code of the tradingsymbol (M = 1-9, O, N, D) and its exact expiry', async () => {
    const csv = [KITE_HEADER, '1,1,NIFTY26O1325000CE,NIFTY,0,2026-10-13,25000,0.05,65,CE,NFO-OPT,NFO'].join('\n');
    const [r] = (await parseKiteInstruments(chunked(csv), { asOf: '2026-10-01' })).records;
    expect(r!.instrument).toMatchObject({ symbol: 'NIFTY26O1325000CE', expiry: '2026-10-13', strike: 250_000_000, underlying: 'NIFTY' });
  });

  it('skips contracts already expired on the day of the import', async () => {
    const m = await parseKiteInstruments(chunked(KITE_CSV), { asOf: '2026-12-09' });
    expect(m.records.map((r) => r.instrument.symbol)).toEqual(['RELIANCE', 'NIFTY', 'NIFTY26DECFUT', 'NIFTY26DEC26000PE']);
    expect(m.skipped).toBe(2);
  });

  it('a fractional strike is exact (292.5 → 2,925,000 ticks)', async () => {
    const csv = [KITE_HEADER, '1,1,VEDL26DEC292.5CE,VEDL,0,2026-12-29,292.5,0.05,1150,CE,NFO-OPT,NFO'].join('\n');
    expect((await parse(csv)).records[0]!.instrument.strike).toBe(2_925_000);
  });

  it('skips symbols we cannot store (not a malformed file)', async () => {
    const csv = [KITE_HEADER, '1,1,abc def,X,0,,,0.05,1,EQ,NSE,NSE'].join('\n');
    expect(await parse(csv)).toMatchObject({ records: [], skipped: 1 });
  });

  it.each([
    ['a wrong header', 'instrument_token,tradingsymbol\n1,X', 'line 1', /header/],
    ['too few fields', `${KITE_HEADER}\n738561,2885,RELIANCE,RELIANCE INDUSTRIES,0`, 'line 2', /5 fields, expected 12/],
    ['a bad tick size', `${KITE_HEADER}\n738561,2885,RELIANCE,R,0,,,0.0x,1,EQ,NSE,NSE`, 'line 2', /tick_size/],
    ['a tick finer than our ticks', `${KITE_HEADER}\n738561,2885,RELIANCE,R,0,,,0.00001,1,EQ,NSE,NSE`, 'line 2', /tick_size/],
    ['a bad lot size', `${KITE_HEADER}\n738561,2885,RELIANCE,R,0,,,0.05,1.5,EQ,NSE,NSE`, 'line 2', /lot_size/],
    ['a zero lot size', `${KITE_HEADER}\n738561,2885,RELIANCE,R,0,,,0.05,0,EQ,NSE,NSE`, 'line 2', /lot size 0/],
    ['a bad token', `${KITE_HEADER}\nabc,2885,RELIANCE,R,0,,,0.05,1,EQ,NSE,NSE`, 'line 2', /instrument_token/],
    ['a bad expiry', `${KITE_HEADER}\n1,1,NIFTY26DECFUT,NIFTY,0,2026-02-30,0,0.1,65,FUT,NFO-FUT,NFO`, 'line 2', /expiry/],
    ['an option without strike', `${KITE_HEADER}\n1,1,NIFTY26DEC0CE,NIFTY,0,2026-12-29,0,0.05,65,CE,NFO-OPT,NFO`, 'line 2', /strike/],
    ['an unclosed quote', `${KITE_HEADER}\n1,1,X,"open,0,,,0.05,1,EQ,NSE,NSE`, 'line 2', /quote/],
    ['an empty file', '', 'line 1', /empty/],
  ])('%s is refused, naming the line', async (_what, csv, at, detail) => {
    const err = await failure(parse(csv));
    expect(err.at).toBe(at);
    expect(err.detail).toMatch(detail);
    expect(err.message).toContain(`kite instrument master, ${at}`);
  });

  it('a repeated instrument_token is refused at its second line', async () => {
    const csv = `${KITE_CSV}738561,2885,RELIANCE,RELIANCE INDUSTRIES,0,,,0.1,1,EQ,NSE,NSE\n`;
    const err = await failure(parse(csv));
    expect(err.at).toBe('line 8');
    expect(err.detail).toMatch(/appears twice/);
  });

  it('a truncated gzip is refused, naming the line where it breaks off', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => `${1_000 + i},${i},SYM${i},NAME ${i},0,,,0.05,1,EQ,NSE,NSE`);
    const full = gz([KITE_HEADER, ...rows, ''].join('\n'));
    const cut = full.subarray(0, Math.floor(full.length / 2));
    const err = await failure(parse(cut, 512));
    expect(err.at).toMatch(/^line \d+$/);
    expect(Number(err.at.slice(5))).toBeGreaterThan(1);
    expect(Number(err.at.slice(5))).toBeLessThan(2_002);
    expect(err.detail).toMatch(/ends early/);
  });
});
