import { parseUpstoxInstruments } from './upstox-master';
import { parseKiteInstruments } from './kite-master';
import { chunked, failure, gz, KITE_CSV, UPSTOX_RECORDS, upstoxJson } from './master.fixtures';

const asOf = '2026-12-07';
const parse = (text: string | Buffer, size = 11) => parseUpstoxInstruments(chunked(text, size), { asOf });
const withRecord = (i: number, patch: Record<string, unknown>) => UPSTOX_RECORDS.map((r, j) => (j === i ? { ...r, ...patch } : r));

describe('parseUpstoxInstruments (docs/brokers.md 2.7)', () => {
  it('maps NSE_EQ, NSE_INDEX and NSE_FO keyed by instrument_key; tick in paise, expiry in epoch ms (IST day); MCX skipped', async () => {
    const m = await parse(upstoxJson());
    expect(m).toMatchObject({ broker: 'upstox', rows: 6, skipped: 1 });
    expect(m.records.map((r) => [r.instrument.symbol, r.instrument.tickSize, r.instrument.lotSize, r.instrument.expiry ?? null])).toEqual([
      ['RELIANCE', 1_000, 1, null],
      ['NIFTY', 500, 1, null],
      ['NIFTY26DECFUT', 1_000, 65, '2026-12-29'],
      ['NIFTY26D0826000CE', 500, 65, '2026-12-08'],
      ['NIFTY26DEC26000PE', 500, 65, '2026-12-29'],
    ]);
    expect(m.records[0]!.instrument).toMatchObject({ exchange: 'NSE', instrumentType: 'EQ', name: 'RELIANCE INDUSTRIES LTD' });
    expect(m.records[1]!.instrument).toMatchObject({ exchange: 'NSE', instrumentType: 'INDEX' });
    expect(m.records[3]!.instrument).toMatchObject({ exchange: 'NFO', instrumentType: 'CE', strike: 260_000_000, underlying: 'NIFTY' });
    expect(m.records[3]!.brokerKey).toEqual({
      key: 'NSE_FO|40001',
      exchangeToken: '40001',
      brokerSymbol: 'NIFTY 26000 CE 08 DEC 26',
      brokerExchange: 'NSE_FO',
    });
    expect(m.records.map((r) => r.at)).toEqual(['record 1', 'record 2', 'record 3', 'record 4', 'record 5']);
  });

  it('gives the same canonical instruments as Kite for the same contracts (weekly and monthly forms)', async () => {
    const kite = await parseKiteInstruments(chunked(KITE_CSV), { asOf });
    const upstox = await parse(gz(upstoxJson()));
    const core = (i: (typeof kite.records)[number]['instrument']) => ({ ...i, name: '' });
    expect(upstox.records.map((r) => core(r.instrument))).toEqual(kite.records.map((r) => core(r.instrument)));
  });

  it('an expiry late in the IST day is still that day (epoch ms are UTC)', async () => {
    const late = Date.parse('2026-12-08T23:59:59+05:30');
    const m = await parse(upstoxJson(withRecord(3, { expiry: late })));
    expect(m.records[3]!.instrument.expiry).toBe('2026-12-08');
  });

  it('a weekly contract on the last expiry of the month would be monthly only when not flagged weekly', async () => {
    const m = await parse(upstoxJson(withRecord(4, { weekly: true })));
    expect(m.records[4]!.instrument.symbol).toBe('NIFTY26D2926000PE');
  });

  it('the same exchange_token under two instrument_keys is fine (tokens are reused; the key is instrument_key)', async () => {
    const m = await parse(upstoxJson(withRecord(4, { exchange_token: '40001' })));
    expect(m.records.map((r) => r.brokerKey.key)).toContain('NSE_FO|40002');
    expect(m.records.filter((r) => r.brokerKey.exchangeToken === '40001')).toHaveLength(2);
  });

  it('reads any chunking, gzipped or not, and strings with brackets and escapes', async () => {
    const plain = await parse(upstoxJson());
    for (const size of [1, 2, 5, 4096]) expect(await parse(gz(upstoxJson()), size)).toEqual(plain);
    const tricky = await parse(upstoxJson(withRecord(0, { name: 'A "{[}]" \\ name' })), 3);
    expect(tricky.records[0]!.instrument.name).toBe('A "{[}]" \\ name');
  });

  it('skips contracts already expired', async () => {
    const m = await parseUpstoxInstruments(chunked(upstoxJson()), { asOf: '2026-12-09' });
    expect(m.records.map((r) => r.instrument.symbol)).toEqual(['RELIANCE', 'NIFTY', 'NIFTY26DECFUT', 'NIFTY26DEC26000PE']);
  });

  it.each([
    ['not an array', '{"a":1}', 'record 1', /not a JSON array/],
    ['an unclosed array (truncated)', upstoxJson().slice(0, -3), 'record 7', /not closed/],
    ['a record cut in the middle', upstoxJson().slice(0, 300), 'record 2', /not closed/],
    ['a bad tick size', upstoxJson(withRecord(2, { tick_size: 'x' })), 'record 3', /tick_size/],
    ['a missing lot size', upstoxJson(withRecord(2, { lot_size: undefined })), 'record 3', /lot_size/],
    ['a bad expiry', upstoxJson(withRecord(3, { expiry: '2026-12-08' })), 'record 4', /epoch milliseconds/],
    ['a missing strike', upstoxJson(withRecord(3, { strike_price: 0 })), 'record 4', /strike_price/],
    ['a key that is not segment|token', upstoxJson(withRecord(0, { instrument_key: 'INE002A01018' })), 'record 1', /instrument_key/],
    ['a repeated instrument_key', upstoxJson(withRecord(4, { instrument_key: 'NSE_FO|40001' })), 'record 5', /appears twice/],
    ['junk between records', upstoxJson().replace('},\n{', '} x {'), 'record 2', /unexpected/],
    ['a record that is not JSON', upstoxJson().replace('"segment":"NSE_INDEX"', '"segment":NSE_INDEX'), 'record 2', /not JSON/],
  ])('%s is refused, naming the record', async (_what, text, at, detail) => {
    const err = await failure(parse(text));
    expect(err.at).toBe(at);
    expect(err.detail).toMatch(detail);
  });

  it('a truncated gzip is refused', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => ({
      ...UPSTOX_RECORDS[0],
      instrument_key: `NSE_EQ|X${i}`,
      trading_symbol: `S${i}`,
    }));
    const full = gz(upstoxJson(many));
    const err = await failure(parse(full.subarray(0, full.length - 40), 1024));
    expect(err.at).toMatch(/^record \d+$/);
    expect(err.detail).toMatch(/ends early|not closed/);
  });
});
