import { randomUUID } from 'node:crypto';
import {
  bucketStart,
  DEMO_STRIKES_EACH_SIDE,
  demoUniverse,
  derivativePreviousClose,
  formatPrice,
  istDayStart,
  parsePrice,
  previousSessionClose,
  todayIst,
  type Candle,
  type Instrument,
} from '@tradeloop/domain';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { untilQuotedEverywhere } from './support/steered-quotes';

/**
 * The simulated listing follows the index (docs/architecture.md "Market data"), end to end with
 * the real worker: the seed lists strikes around NIFTY's start level (24,900–26,900); NIFTY's
 * stored history says it drifted to 29,000, so the worker's roll at start lists 28,000–30,000
 * and delists the old strikes no one holds (one with an open order stays). Then NIFTY is steered
 * to 33,000 and the worker restarts (the feed resumes from the stored close, as after any
 * restart): the roll lists 32,000–34,000. Each time an option's quote reports the model's
 * previous close (Black–Scholes on NIFTY's previous close at the previous session's close), and
 * its chart reaches back as far as NIFTY's.
 */
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true' });

const RUPEE = 10_000;
const DRIFTED = 29_000 * RUPEE;
const STEERED = 33_000 * RUPEE;
let worker: RunningProcess | null = null;
let admin: { token: string };
let trader: { token: string };
let heldOrderId: string;
let held: Instrument;
/** The previous session (its IST day start): where NIFTY's stored history ends. */
let prevSessionDay: number;
let niftyBars: Candle[];

const instruments = () => api.app.get(InstrumentsRepository);

/** The active NIFTY options by expiry, strikes ascending (rupees). */
async function niftyChains(): Promise<Map<string, number[]>> {
  const listed = await instruments().derivativesOf('NIFTY', todayIst(new Date()));
  const out = new Map<string, number[]>();
  for (const i of listed) {
    if (i.instrumentType !== 'CE') continue;
    out.set(i.expiry!, [...(out.get(i.expiry!) ?? []), i.strike! / RUPEE]);
  }
  for (const strikes of out.values()) strikes.sort((a, b) => a - b);
  return out;
}

/** Until every listed NIFTY chain is the 41 strikes around `atm` (₹), plus the held strike where listed. */
async function untilCentredOn(atm: number): Promise<Map<string, number[]>> {
  return eventually(
    async () => {
      const chains = await niftyChains();
      if (chains.size === 0) return null;
      for (const [expiry, strikes] of chains) {
        const own = expiry === held.expiry ? strikes.filter((s) => s !== held.strike! / RUPEE) : strikes;
        if (own.length !== 2 * DEMO_STRIKES_EACH_SIDE + 1 || own[DEMO_STRIKES_EACH_SIDE] !== atm) return null;
      }
      return chains;
    },
    30_000,
    `NIFTY strikes centred on ${atm}`,
  );
}

/** The quotes of `symbols` once the API has all of them. */
async function quotes(symbols: string[]): Promise<Map<string, { ltp: string; prevClose: string; change: string; ts: string }>> {
  const res = await eventually(
    async () => {
      const r = await api.http.get(`/api/v1/market/quotes?symbols=${symbols.map(encodeURIComponent).join(',')}`, trader.token);
      return r.status === 200 && r.body.items?.length === symbols.length ? r : null;
    },
    15_000,
    `quotes of ${symbols.join(', ')}`,
  );
  return new Map(res.body.items.map((q: { symbol: string }) => [q.symbol, q]));
}

/** The listed option of NIFTY at `strike` (₹) with the latest expiry (the most time value). */
async function latestExpiryOption(type: 'CE' | 'PE', strike: number): Promise<Instrument> {
  const listed = await instruments().derivativesOf('NIFTY', todayIst(new Date()));
  const options = listed.filter((i) => i.instrumentType === type && i.strike === strike * RUPEE);
  return options.sort((a, b) => b.expiry!.localeCompare(a.expiry!))[0]!;
}

async function restartWorker(): Promise<void> {
  await worker?.stop();
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED_TICKS_PER_SECOND: '500' });
}

beforeAll(async () => {
  // The seed's listing: around NIFTY's start level.
  await instruments().upsert(demoUniverse(new Date(`${todayIst(new Date())}T00:00:00Z`)));
  // NIFTY drifted: its history ends at 29,000 on the previous session (the close the feed resumes from).
  prevSessionDay = istDayStart(previousSessionClose(Date.now()));
  const candles = api.app.get(CandlesRepository);
  await candles.upsert('NIFTY', '1d', [
    { ts: prevSessionDay, open: 28_900 * RUPEE, high: 29_050 * RUPEE, low: 28_850 * RUPEE, close: DRIFTED, volume: 0 },
  ]);
  // Its last hour of 1-minute bars (14:30–15:30 IST).
  niftyBars = Array.from({ length: 60 }, (_, k) => {
    const close = DRIFTED + (k - 59) * 5 * RUPEE;
    return {
      ts: prevSessionDay + (14 * 60 + 30 + k) * 60_000,
      open: close - 2 * RUPEE,
      high: close + 3 * RUPEE,
      low: close - 4 * RUPEE,
      close,
      volume: 0,
    };
  });
  await candles.upsert('NIFTY', '1m', niftyBars);

  admin = await signedIn(api, ['admin']);
  trader = await signedIn(api, ['trader']);
  // An open order on a strike the roll will no longer list: a LIMIT BUY far below the price.
  const chain = demoUniverse(new Date(`${todayIst(new Date())}T00:00:00Z`)).filter(
    (i) => i.underlying === 'NIFTY' && i.instrumentType === 'CE',
  );
  held = chain.filter((i) => i.strike === 25_000 * RUPEE).sort((a, b) => a.expiry!.localeCompare(b.expiry!))[0]!;
  const placed = await api.http.request('POST', '/api/v1/orders', {
    body: { symbol: held.symbol, side: 'BUY', type: 'LIMIT', product: 'NRML', price: '1.00', quantity: held.lotSize },
    token: trader.token,
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  heldOrderId = placed.body.order.id;

  await restartWorker();
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

describe('the simulated listing rolls with the index (worker, real Postgres and Redis)', () => {
  it('at start, lists NIFTY strikes around where it drifted to and delists the old ones, except one with an open order', async () => {
    const chains = await untilCentredOn(29_000);
    for (const [expiry, strikes] of chains) {
      const own = expiry === held.expiry ? strikes.filter((s) => s !== 25_000) : strikes;
      expect([own[0], own[own.length - 1]]).toEqual([28_000, 30_000]);
    }
    // The old chain is delisted (kept for the orders that reference it, refused for new ones) …
    const old = demoUniverse(new Date(`${todayIst(new Date())}T00:00:00Z`)).filter(
      (i) => i.underlying === 'NIFTY' && (i.instrumentType === 'CE' || i.instrumentType === 'PE') && i.strike! < 28_000 * RUPEE,
    );
    const states = await Promise.all(old.map((i) => instruments().bySymbol(i.symbol)));
    for (const [k, s] of states.entries()) {
      expect(s, old[k]!.symbol).toBeDefined();
      if (s!.symbol === held.symbol) expect(s!.active).toBeUndefined();
      else expect(s!.active, s!.symbol).toBe(false);
    }
    // … except the contract with the open order, which is still listed and still works.
    const order = await api.http.get(`/api/v1/orders/${heldOrderId}`, trader.token);
    expect(order.status).toBe(200);
    expect(['PENDING', 'OPEN']).toContain(order.body.status);
    expect(chains.get(held.expiry!)).toContain(25_000);
    const refused = await api.http.request('POST', '/api/v1/orders', {
      body: {
        symbol: old.find((i) => i.symbol !== held.symbol)!.symbol,
        side: 'BUY',
        type: 'LIMIT',
        product: 'NRML',
        price: '1.00',
        quantity: 65,
      },
      token: trader.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(refused.status).toBe(400);
    // BANKNIFTY did not move: its chain is where it was.
    const bank = (await instruments().derivativesOf('BANKNIFTY', todayIst(new Date()))).filter((i) => i.instrumentType === 'PE');
    expect(Math.min(...bank.map((i) => i.strike! / RUPEE))).toBe(56_300);
    expect(Math.max(...bank.map((i) => i.strike! / RUPEE))).toBe(60_300);
  });

  it("quotes an option's previous close from the model, so its day change is sane", async () => {
    await untilCentredOn(29_000);
    const call = await latestExpiryOption('CE', 29_000);
    const put = await latestExpiryOption('PE', 28_500);
    const q = await quotes(['NIFTY', call.symbol, put.symbol]);
    expect(q.get('NIFTY')!.prevClose).toBe(formatPrice(DRIFTED));
    for (const inst of [call, put]) {
      const quote = q.get(inst.symbol)!;
      expect(quote.prevClose).toBe(formatPrice(derivativePreviousClose(inst, DRIFTED, Date.parse(quote.ts))));
      expect(quote.prevClose).not.toBe('1000.00');
      const change = Number(quote.change) / Number(quote.prevClose);
      expect(Math.abs(change), `${inst.symbol} ${quote.ltp} vs ${quote.prevClose}`).toBeLessThan(0.5);
    }
  });

  it('after NIFTY is steered far away, the roll at the restart lists strikes around it; the new option quotes the model and charts the index’s history', async () => {
    await untilCentredOn(29_000);
    const steer = await api.http.post('/api/v1/admin/market/steer', { symbol: 'NIFTY', price: formatPrice(STEERED) }, admin.token);
    expect(steer.status, JSON.stringify(steer.body)).toBe(200);
    await untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, trader.token, 'NIFTY', STEERED);
    // The feed stores today's close at the steered level (what a restart resumes from).
    await eventually(
      async () => (await api.app.get(CandlesRepository).lastPrices(Date.now())).get('NIFTY')?.price === STEERED,
      15_000,
      "NIFTY's stored close at the steered level",
    );
    await restartWorker();
    await untilCentredOn(33_000);
    // The strikes listed around 29,000 (no one holds them) are delisted.
    const before = demoUniverse(new Date(`${todayIst(new Date())}T00:00:00Z`), new Map([['NIFTY', DRIFTED]])).filter(
      (i) => i.underlying === 'NIFTY' && i.instrumentType === 'CE',
    );
    for (const i of before) expect((await instruments().bySymbol(i.symbol))?.active, i.symbol).toBe(false);
    expect((await instruments().bySymbol(held.symbol))!.active).toBeUndefined();

    const call = await latestExpiryOption('CE', 33_000);
    const q = await quotes(['NIFTY', call.symbol]);
    expect(q.get('NIFTY')!.ltp).toBe(formatPrice(STEERED));
    // Its previous close: NIFTY's (29,000 on the previous session) through the model — far out of the money then.
    const quote = q.get(call.symbol)!;
    const expected = derivativePreviousClose(call, parsePrice(q.get('NIFTY')!.prevClose), Date.parse(quote.ts));
    expect(q.get('NIFTY')!.prevClose).toBe(formatPrice(DRIFTED));
    expect(quote.prevClose).toBe(formatPrice(expected));

    // Its chart reaches as far back as NIFTY's: every NIFTY bar of the previous session has its bar.
    const from = new Date(prevSessionDay).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const chart = await api.http.get(
      `/api/v1/market/candles?symbol=${encodeURIComponent(call.symbol)}&timeframe=1m&from=${from}&to=${to}`,
      trader.token,
    );
    expect(chart.status).toBe(200);
    const times = new Set<string>(chart.body.candles.map((c: { ts: string }) => c.ts));
    for (const b of niftyBars) expect(times.has(new Date(b.ts).toISOString())).toBe(true);
    // The daily chart's previous-session bar closes where the quote's previous close is.
    const daily = await api.http.get(
      `/api/v1/market/candles?symbol=${encodeURIComponent(call.symbol)}&timeframe=1d&limit=10`,
      trader.token,
    );
    const prevBar = daily.body.candles.find((c: { ts: string }) => c.ts === new Date(bucketStart(prevSessionDay, '1d')).toISOString());
    expect(prevBar?.close).toBe(quote.prevClose);
  });
});
