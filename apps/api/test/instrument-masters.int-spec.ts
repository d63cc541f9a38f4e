import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { demoUniverse, futureSymbol, optionSymbol } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentMastersRepository, InstrumentsRepository, istToday } from '@tradeloop/market';
import { RunInstrumentMastersUseCase, type InstrumentMasterOutcome } from '@tradeloop/trading';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { startWorker } from './support/kite-world';

/**
 * Instrument masters end to end (docs/brokers.md, "Instrument masters"): Kite's dump and Upstox's
 * BOD file served from a loopback HTTP server at KITE_INSTRUMENTS_URL / UPSTOX_INSTRUMENTS_URL,
 * imported by the worker's job (through the admin trigger) and by the use case the job runs (in
 * process, with a chosen day, to let contracts expire).
 */
const files = new Map<string, Buffer>();
const OPENALGO_KEY = 'openalgo-key-0123456789abcdef';
let openAlgoHost: string;
const env: Record<string, string> = {};
let server: Server;
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/openalgo/api/v1/instruments') {
      // OpenAlgo's instruments service: the API key in the query, 403 for a wrong one.
      if (url.searchParams.get('apikey') !== OPENALGO_KEY)
        return void res.writeHead(403).end('{"status":"error","message":"Invalid openalgo apikey"}');
      if (url.searchParams.get('format') !== 'csv') return void res.writeHead(400).end();
      return void res.writeHead(200, { 'content-type': 'text/csv' }).end(openAlgoCsv());
    }
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  openAlgoHost = `${base}/openalgo`;
  Object.assign(env, { KITE_INSTRUMENTS_URL: `${base}/kite/instruments`, UPSTOX_INSTRUMENTS_URL: `${base}/upstox/complete.json.gz` });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let worker: RunningProcess | null = null;
let admin: string;
let trader: string;

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const today = istToday();
/** C: a near future (and W, a weekly option of the same day); D: next month's; E: a later one that reuses C's Upstox token. */
const exp1 = addDays(today, 2);
const exp2 = addDays(today, 40);
const exp3 = addDays(today, 75);
const dayAfter = addDays(exp1, 1);
const C = futureSymbol('FINNIFTY', exp1);
const D = futureSymbol('FINNIFTY', exp2);
const E = futureSymbol('FINNIFTY', exp3);
const W = optionSymbol('FINNIFTY', exp1, 240_000_000, 'CE', false);

const KITE_HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';
const kiteV1 = [
  KITE_HEADER,
  '738561,2885,RELIANCE,RELIANCE INDUSTRIES,0,,,0.1,1,EQ,NSE,NSE',
  '408065,1594,INFY,INFOSYS,0,,,0.1,1,EQ,NSE,NSE',
  '256265,1001,NIFTY 50,NIFTY 50,0,,0,0,0,EQ,INDICES,NSE',
  `900001,50001,${C},FINNIFTY,0,${exp1},0,0.1,60,FUT,NFO-FUT,NFO`,
  `900002,50002,${D},FINNIFTY,0,${exp2},0,0.1,60,FUT,NFO-FUT,NFO`,
  `900003,50003,${W},FINNIFTY,0,${exp1},24000,0.05,60,CE,NFO-OPT,NFO`,
  '128083204,500325,RELIANCE,RELIANCE INDUSTRIES,0,,,0.05,1,EQ,BSE,BSE',
  '',
].join('\n');
/** The dump of the day after C and W expired: they are gone. */
const kiteV2 = kiteV1
  .split('\n')
  .filter((l) => !l.startsWith('900001,') && !l.startsWith('900003,'))
  .join('\n');
const istMs = (day: string) => Date.parse(`${day}T15:30:00+05:30`);
const upstoxFile = (records: Record<string, unknown>[]) => gzipSync(JSON.stringify(records));
const UPSTOX_RELIANCE = {
  segment: 'NSE_EQ',
  name: 'RELIANCE INDUSTRIES LTD',
  exchange: 'NSE',
  instrument_type: 'EQ',
  instrument_key: 'NSE_EQ|INE002A01018',
  exchange_token: '2885',
  trading_symbol: 'RELIANCE',
  lot_size: 1,
  tick_size: 10.0,
};
const upstoxFut = (key: string, expiry: string) => ({
  segment: 'NSE_FO',
  name: 'FINNIFTY',
  exchange: 'NSE',
  instrument_type: 'FUT',
  instrument_key: key,
  exchange_token: key.split('|')[1],
  trading_symbol: `FINNIFTY FUT ${expiry}`,
  lot_size: 60,
  tick_size: 10.0,
  expiry: istMs(expiry),
  weekly: false,
  underlying_symbol: 'FINNIFTY',
});

const MMM = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** OpenAlgo's date forms (docs/brokers.md 3.7): `29DEC26` in symbols, `29-DEC-26` in the expiry column. */
const oaDate = (day: string, sep = '') => [day.slice(8, 10), MMM[Number(day.slice(5, 7)) - 1], day.slice(2, 4)].join(sep);
const OA_D = `FINNIFTY${oaDate(exp2)}FUT`;
const openAlgoCsv = () =>
  [
    'symbol,brsymbol,name,exchange,brexchange,token,expiry,strike,lotsize,instrumenttype,tick_size',
    'RELIANCE,RELIANCE,RELIANCE INDUSTRIES,NSE,NSE,738561,,-1.0,1,EQ,0.1',
    `${OA_D},${D},FINNIFTY,NFO,NFO,900002,${oaDate(exp2, '-')},-1.0,60,FUT,0.1`,
    '',
  ].join('\n');

const run = (source: 'kite' | 'upstox' | 'openalgo', asOf?: string) =>
  api.app.get(RunInstrumentMastersUseCase).execute({ source, ...(asOf ? { asOf } : {}) });
const imported = (outcomes: InstrumentMasterOutcome[]) => {
  expect(outcomes).toHaveLength(1);
  const [o] = outcomes;
  if (o!.outcome !== 'imported') throw new Error(`not imported: ${JSON.stringify(o)}`);
  return o!.report;
};
const instrument = (symbol: string) =>
  api.app.get(Db).sql.maybeOne<{
    tick: string;
    lot_size: number;
    active: boolean;
    deactivated_at: Date | null;
  }>(`SELECT tick_size_ticks::text AS tick, lot_size, active, deactivated_at FROM instruments WHERE symbol = $1`, [symbol]);
/** Everything an import can change, to prove a failed one changed nothing. */
const snapshot = async () => {
  const sql = api.app.get(Db).sql;
  return {
    instruments: await sql.rows(
      `SELECT symbol, name, lot_size, tick_size_ticks::text, active, deactivated_at, updated_at FROM instruments ORDER BY symbol`,
    ),
    keys: await sql.rows(`SELECT * FROM instrument_broker_keys ORDER BY broker, key`),
  };
};
const audits = (action: string) =>
  api.app.get(Db).sql.rows<{
    subject: string;
    details: Record<string, unknown>;
  }>(`SELECT subject, details FROM audit_events WHERE action = $1 ORDER BY id`, [action]);

beforeAll(async () => {
  // Our demo RELIANCE and INFY (₹0.05 ticks) before any master.
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()).filter((i) => i.symbol === 'RELIANCE' || i.symbol === 'INFY'));
  admin = (await signedIn(api, ['admin'])).token;
  trader = (await signedIn(api, ['trader'])).token;
  files.set('/kite/instruments', gzipSync(kiteV1));
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe('instrument masters', () => {
  it('POST /admin/jobs/instrument-masters: admins only, a known source or none', async () => {
    expect((await api.http.post('/api/v1/admin/jobs/instrument-masters', {}, trader)).status).toBe(403);
    expect((await api.http.post('/api/v1/admin/jobs/instrument-masters', { source: 'nse' }, admin)).status).toBe(400);
    expect((await api.http.post('/api/v1/admin/jobs/instrument-masters', { source: 'kite', extra: 1 }, admin)).status).toBe(400);
    expect((await instrument('RELIANCE'))!.tick).toBe('500');
  });

  it("the worker imports Kite's dump: tick and lot sizes follow the master, each broker key is stored, the run is audited", async () => {
    worker = await startWorker(ctx, await freePort());
    const res = await api.http.post('/api/v1/admin/jobs/instrument-masters', { source: 'kite' }, admin);
    expect(res.status).toBe(202);
    const [event] = await eventually(
      async () => {
        const a = await audits('instruments.master_imported');
        return a.length ? a : null;
      },
      30_000,
      'the import audited',
    );
    expect(event!.subject).toBe('kite');
    expect(event!.details).toMatchObject({
      broker: 'kite',
      asOf: today,
      rows: 7,
      skipped: 1,
      added: 4,
      updated: 2,
      deactivated: 0,
      unchanged: 0,
      keys: { added: 6, changed: 0, removed: 0 },
    });
    expect(event!.details.examples).toEqual(expect.arrayContaining(['RELIANCE: tick 500 → 1000, name']));
    // RELIANCE ₹0.05 ours → ₹0.10 at Kite; the derivative's lot from the master.
    expect(await instrument('RELIANCE')).toMatchObject({ tick: '1000', active: true });
    expect(await instrument(D)).toMatchObject({ tick: '1000', lot_size: 60, active: true });
    const masters = api.app.get(InstrumentMastersRepository);
    expect(await masters.brokerKeyOf('kite', 'RELIANCE')).toEqual({
      key: '738561',
      exchangeToken: '2885',
      brokerSymbol: 'RELIANCE',
      brokerExchange: 'NSE',
    });
    expect(await masters.symbolOfBrokerKey('kite', '256265')).toBe('NIFTY');
    expect(await masters.symbolOfBrokerKey('kite', '128083204')).toBeUndefined();
    await worker.stop();
    worker = null;
  }, 90_000);

  it("order validation uses the master's tick size", async () => {
    const body = { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', quantity: 1, price: '1400.05', product: 'CNC' };
    const refused = await api.http.request('POST', '/api/v1/orders', { body, token: trader, headers: { 'idempotency-key': randomUUID() } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/multiple of the tick size \(0\.10?\)/);
    // Seeding the demo universe again never puts the demo ₹0.05 back on a master-managed instrument.
    await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()).filter((i) => i.symbol === 'RELIANCE'));
    expect((await instrument('RELIANCE'))!.tick).toBe('1000');
    const search = await api.http.get('/api/v1/instruments?query=RELIANCE', trader);
    expect(search.body.items.find((i: { symbol: string }) => i.symbol === 'RELIANCE').tickSize).toMatch(/^0\.10*$/);
  });

  it('a second run of the same file reports everything unchanged', async () => {
    const before = await snapshot();
    expect(imported(await run('kite'))).toMatchObject({
      added: 0,
      updated: 0,
      deactivated: 0,
      unchanged: 6,
      keys: { added: 0, changed: 0, removed: 0 },
    });
    expect((await snapshot()).keys).toEqual(before.keys);
    expect((await snapshot()).instruments).toEqual(before.instruments);
  });

  it('a truncated gzip changes nothing, and the failure names the line', async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `${2_000_000 + i},${i},ZZT${i},Z ${i},0,,,0.05,1,EQ,NSE,NSE`);
    const changed = kiteV1.replace('RELIANCE INDUSTRIES,0,,,0.1,1,EQ,NSE,NSE', 'RELIANCE INDUSTRIES,0,,,0.05,1,EQ,NSE,NSE');
    const full = gzipSync(`${changed}${many.join('\n')}\n`);
    files.set('/kite/instruments', full.subarray(0, Math.floor(full.length * 0.6)));
    const before = await snapshot();
    const [outcome] = await run('kite');
    expect(outcome).toMatchObject({ source: 'kite', outcome: 'failed', at: expect.stringMatching(/^line \d+$/) });
    const line = Number((outcome as { at: string }).at.slice(5));
    expect(line).toBeGreaterThan(8);
    expect(line).toBeLessThan(5_009);
    expect((outcome as { error: string }).error).toMatch(/ends early/);
    expect(await snapshot()).toEqual(before);
    expect((await audits('instruments.master_import_failed')).at(-1)).toMatchObject({ subject: 'kite', details: { at: `line ${line}` } });
    files.set('/kite/instruments', gzipSync(kiteV1));
  });

  it('a malformed file changes nothing and names the line; an unreachable file changes nothing', async () => {
    const before = await snapshot();
    files.set('/kite/instruments', gzipSync(kiteV1.replace(`,0.1,60,FUT,NFO-FUT,NFO`, `,0.1,sixty,FUT,NFO-FUT,NFO`)));
    expect((await run('kite'))[0]).toMatchObject({ outcome: 'failed', at: 'line 5' });
    files.delete('/kite/instruments');
    expect((await run('kite'))[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/HTTP 404/) });
    expect(await snapshot()).toEqual(before);
    files.set('/kite/instruments', gzipSync(kiteV1));
  });

  it('Upstox keys the same instruments; after C expires, its reused token names the new contract and C is deactivated, never deleted', async () => {
    // An order on C while it trades (it stays on the books whatever happens to C).
    const order = await api.http.request('POST', '/api/v1/orders', {
      body: { symbol: C, side: 'BUY', type: 'LIMIT', quantity: 60, price: '1.00', product: 'NRML' },
      token: trader,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(order.status).toBe(202);
    const orderId = order.body.order.id as string;

    files.set('/upstox/complete.json.gz', upstoxFile([UPSTOX_RELIANCE, upstoxFut('NSE_FO|50001', exp1)]));
    expect(imported(await run('upstox'))).toMatchObject({ added: 0, updated: 0, unchanged: 2, deactivated: 0, keys: { added: 2 } });
    const masters = api.app.get(InstrumentMastersRepository);
    expect(await masters.symbolOfBrokerKey('upstox', 'NSE_EQ|INE002A01018')).toBe('RELIANCE');
    expect(await masters.symbolOfBrokerKey('upstox', 'NSE_FO|50001')).toBe(C);

    // The day after C's expiry the exchange hands its token to a new contract.
    files.set('/upstox/complete.json.gz', upstoxFile([UPSTOX_RELIANCE, upstoxFut('NSE_FO|50001', exp3)]));
    const report = imported(await run('upstox', dayAfter));
    expect(report).toMatchObject({ added: 1, deactivated: 2, keys: { added: 0, changed: 1, removed: 0 } });
    expect(await masters.symbolOfBrokerKey('upstox', 'NSE_FO|50001')).toBe(E);
    expect(await masters.brokerKeyOf('upstox', C)).toBeUndefined();
    expect(await instrument(C)).toMatchObject({ active: false, deactivated_at: expect.any(Date) });
    expect(await instrument(W)).toMatchObject({ active: false });

    // The old order still reads its instrument; search and the feed no longer offer it.
    const got = await api.http.get(`/api/v1/orders/${orderId}`, trader);
    expect(got.status).toBe(200);
    expect(got.body.symbol).toBe(C);
    expect(await api.app.get(InstrumentsRepository).bySymbol(C)).toMatchObject({ symbol: C, lotSize: 60, expiry: exp1 });
    const again = await api.http.request('POST', '/api/v1/orders', {
      body: { symbol: C, side: 'BUY', type: 'LIMIT', quantity: 60, price: '1.00', product: 'NRML' },
      token: trader,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.body)).toMatch(/no longer traded/);
    const search = await api.http.get('/api/v1/instruments?query=FINNIFTY', trader);
    expect(search.body.items.map((i: { symbol: string }) => i.symbol).sort()).toEqual([D, E].sort());
    expect((await api.app.get(InstrumentsRepository).active(dayAfter)).map((i) => i.symbol)).not.toContain(C);

    // Kite's next dump no longer lists C and W: their Kite keys go, nothing else changes.
    files.set('/kite/instruments', gzipSync(kiteV2));
    expect(imported(await run('kite', dayAfter))).toMatchObject({ added: 0, updated: 0, deactivated: 0, keys: { removed: 2 } });
    expect(await masters.brokerKeyOf('kite', C)).toBeUndefined();
    expect(imported(await run('kite', dayAfter))).toMatchObject({
      added: 0,
      updated: 0,
      deactivated: 0,
      keys: { added: 0, changed: 0, removed: 0 },
    });
  });

  it('OpenAlgo: from the first enabled account whose host answers; a refused key changes nothing and never reaches the audit', async () => {
    expect((await run('openalgo'))[0]).toMatchObject({ source: 'openalgo', outcome: 'skipped' });
    const add = (name: string, apiKey: string) =>
      api.http.post('/api/v1/broker-accounts', { kind: 'openalgo', name, credentials: { host: openAlgoHost, apiKey } }, trader);
    const bad = await add('OpenAlgo wrong key', 'wrong-key-0000000000000000');
    expect(bad.status).toBe(201);
    const before = await snapshot();
    const [refused] = await run('openalgo');
    expect(refused).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/HTTP 403/) });
    expect(await snapshot()).toEqual(before);
    const failures = JSON.stringify(await audits('instruments.master_import_failed'));
    expect(failures).not.toContain('wrong-key-0000000000000000');

    expect((await add('OpenAlgo', OPENALGO_KEY)).status).toBe(201);
    const report = imported(await run('openalgo'));
    expect(report).toMatchObject({ broker: 'openalgo', added: 0, updated: 0, unchanged: 2, keys: { added: 2 } });
    const masters = api.app.get(InstrumentMastersRepository);
    expect(await masters.symbolOfBrokerKey('openalgo', `NFO:${OA_D}`)).toBe(D);
    expect(await masters.brokerKeyOf('openalgo', 'RELIANCE')).toMatchObject({ key: 'NSE:RELIANCE', brokerExchange: 'NSE' });
    expect(imported(await run('openalgo'))).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
      keys: { added: 0, changed: 0, removed: 0 },
    });
  });
});
