import { CandleEventSchema, DepthEventSchema, MarketDepthSchema, QuoteListSchema, TickEventSchema } from '@tradeloop/contracts';
import { bucketStart, demoUniverse } from '@tradeloop/domain';
import { createLogger, createRedis, closeRedis } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository, MarketFeed, SimulatedFeedSource } from '@tradeloop/market';
import type { Redis } from 'ioredis';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, MarketClient, sleep } from './support/market-socket';

const { api, ctx } = useTestApi();
let feed: MarketFeed;
let feedRedis: Redis;
const clients: MarketClient[] = [];

async function client(): Promise<MarketClient> {
  const { token } = await signedIn(api);
  const c = new MarketClient(api.url, token);
  clients.push(c);
  await c.ready();
  return c;
}

beforeAll(async () => {
  const universe = demoUniverse(new Date());
  await api.app.get(InstrumentsRepository).upsert(universe);
  feedRedis = createRedis(ctx.config.REDIS_URL, 'feed', 'test-feed');
  feed = new MarketFeed({
    redis: feedRedis,
    candles: api.app.get(CandlesRepository),
    prefix: ctx.config.REDIS_PREFIX,
    logger: createLogger('silent', 'worker'),
  });
  // 3,000 ticks/s: RELIANCE alone trades ~60 times a second, well above the 10/s a client gets.
  await feed.start(new SimulatedFeedSource({ seed: 9, instruments: universe, ticksPerSecond: 3000, hours: 'always' }));
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await feed?.stop();
  if (feedRedis) await closeRedis(feedRedis);
});

describe('market-data subscriptions over Socket.IO', () => {
  it('acks the subscription, naming the symbols it refused and why', async () => {
    const c = await client();
    const ack = await c.request('subscribe', { channel: 'ticks', symbols: ['RELIANCE', 'nope', 'TCS', 'RELIANCE'] });
    expect(ack).toEqual({ ok: true, symbols: ['RELIANCE', 'TCS'], refused: [{ symbol: 'NOPE', reason: 'unknown symbol' }] });
  });

  it('answers malformed requests with ok=false and changes nothing', async () => {
    const c = await client();
    for (const bad of [
      { channel: 'trades', symbols: ['TCS'] },
      { channel: 'ticks', symbols: [] },
      { channel: 'candles', symbols: ['TCS'] },
      { channel: 'candles', symbols: ['TCS'], timeframe: '2m' },
      { channel: 'ticks', symbols: ['TCS'], timeframe: '1m' },
      { channel: 'depth', symbols: ['TCS'], timeframe: '1m' },
      'subscribe me',
      null,
      // Text that cannot be stored or looked up: refused before the instrument lookup.
      { channel: 'ticks', symbols: ['TC\u0000S'] },
      { channel: 'ticks', symbols: ['\ud800'] },
    ]) {
      const ack = await c.request('subscribe', bad);
      expect(ack.ok).toBe(false);
      expect(ack.symbols).toEqual([]);
      expect(ack.error).toBeTruthy();
    }
    await sleep(400);
    expect(c.ticks).toEqual([]);
    const un = await c.request('unsubscribe', { channel: 'ticks', symbols: ['TCS'] });
    expect(un).toEqual({ ok: true, symbols: [], refused: [{ symbol: 'TCS', reason: 'not subscribed' }] });
  });

  it('streams ticks with seq 1, 2, 3… at most ~10 per second per symbol, fresh', async () => {
    const c = await client();
    await c.request('subscribe', { channel: 'ticks', symbols: ['RELIANCE', 'NIFTY'] });
    await sleep(3000);
    for (const symbol of ['RELIANCE', 'NIFTY']) {
      const ticks = c.ticksOf(symbol);
      expect(ticks.length).toBeGreaterThan(10);
      expect(ticks.length).toBeLessThanOrEqual(35); // 3 s × 10/s, a burst of 3, the snapshot and a boundary
      ticks.forEach((t, i) => {
        expect(TickEventSchema.parse({ ...t, at: undefined })).toBeTruthy();
        expect(t.seq).toBe(i + 1);
      });
      // Never more than 13 (10 a second plus the burst of 3) within any second (50 ms for jitter).
      for (let i = 1; i + 13 < ticks.length; i += 1) expect(ticks[i + 13]!.at - ticks[i]!.at).toBeGreaterThanOrEqual(950);
      const ages = ticks
        .slice(1)
        .map((t) => t.at - Date.parse(t.ts))
        .sort((a, b) => a - b);
      expect(ages[Math.floor(ages.length / 2)]!).toBeLessThan(100);
    }
    expect(c.ticks.every((t) => t.symbol === 'RELIANCE' || t.symbol === 'NIFTY')).toBe(true);
  });

  it('streams the live candle of a timeframe; unsubscribing stops the stream', async () => {
    const c = await client();
    const ack = await c.request('subscribe', { channel: 'candles', symbols: ['RELIANCE'], timeframe: '5m' });
    expect(ack.symbols).toEqual(['RELIANCE']);
    await eventually(() => c.candles.length >= 5, 5000, 'candles');
    for (const k of c.candles) {
      CandleEventSchema.parse({ ...k, at: undefined });
      expect(k.timeframe).toBe('5m');
      expect(Date.parse(k.ts)).toBe(bucketStart(Date.parse(k.ts), '5m'));
      expect(Number(k.low)).toBeLessThanOrEqual(Math.min(Number(k.open), Number(k.close)));
      expect(Number(k.high)).toBeGreaterThanOrEqual(Math.max(Number(k.open), Number(k.close)));
    }
    expect(c.candles.map((k) => k.seq)).toEqual(c.candles.map((_, i) => i + 1));
    const un = await c.request('unsubscribe', { channel: 'candles', symbols: ['RELIANCE'], timeframe: '5m' });
    expect(un.symbols).toEqual(['RELIANCE']);
    await sleep(100);
    const n = c.candles.length;
    await sleep(600);
    expect(c.candles.length).toBe(n);
  });

  it('serves quotes from the feed; unknown symbols are a 404 naming them, bad lists a 400', async () => {
    const { token } = await signedIn(api);
    const res = await eventually(
      async () => {
        const r = await api.http.get('/api/v1/market/quotes?symbols=RELIANCE,TCS', token);
        return r.body.items?.length === 2 ? r : null;
      },
      3000,
      'quotes',
    );
    const body = QuoteListSchema.parse(res.body);
    expect(body.items.map((q) => q.symbol)).toEqual(['RELIANCE', 'TCS']);
    const q = body.items[0]!;
    expect(Number(q.bid)).toBeLessThan(Number(q.ask));
    expect(Number(q.change)).toBeCloseTo(Number(q.ltp) - Number(q.prevClose), 2);
    expect(Date.now() - Date.parse(q.ts)).toBeLessThan(5000);

    const unknown = await api.http.get('/api/v1/market/quotes?symbols=RELIANCE,FOO,BAR', token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('FOO, BAR');
    for (const bad of [
      '',
      'symbols=',
      'symbols=,,',
      `symbols=${Array.from({ length: 201 }, (_, i) => `S${i}`).join(',')}`,
      'symbols=TCS&x=1',
    ]) {
      const r = await api.http.get(`/api/v1/market/quotes?${bad}`, token);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.http.get('/api/v1/market/quotes?symbols=TCS')).status).toBe(401);
  });

  it('serves the 5-level book of a symbol; an index has none; unknown is a 404, bad input a 400', async () => {
    const { token } = await signedIn(api);
    const res = await eventually(
      async () => {
        const r = await api.http.get('/api/v1/market/depth?symbol=reliance', token);
        return r.status === 200 && r.body.ts ? r : null;
      },
      3000,
      'depth',
    );
    const book = MarketDepthSchema.parse(res.body);
    expect(book.symbol).toBe('RELIANCE');
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    const bids = book.bids.map((l) => Number(l.price));
    const asks = book.asks.map((l) => Number(l.price));
    expect(bids).toEqual([...bids].sort((a, b) => b - a));
    expect(asks).toEqual([...asks].sort((a, b) => a - b));
    expect(bids[0]!).toBeLessThan(asks[0]!);
    expect(book.bids.every((l) => l.quantity > 0 && l.orders >= 1)).toBe(true);
    expect(Date.now() - Date.parse(book.ts!)).toBeLessThan(5000);

    const index = await api.http.get('/api/v1/market/depth?symbol=NIFTY', token);
    expect(index.status).toBe(200);
    expect(index.body).toEqual({ symbol: 'NIFTY', bids: [], asks: [], ts: null });

    const unknown = await api.http.get('/api/v1/market/depth?symbol=NOPE', token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('NOPE');
    for (const bad of ['', 'symbol=', 'symbol=TCS&x=1', `symbol=${'A'.repeat(41)}`, 'symbol=TC%00S']) {
      const r = await api.http.get(`/api/v1/market/depth?${bad}`, token);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.http.get('/api/v1/market/depth?symbol=TCS')).status).toBe(401);
  });

  it('streams the book of a subscribed symbol with seq 1, 2, 3…, throttled; unsubscribing stops it', async () => {
    const c = await client();
    const ack = await c.request('subscribe', { channel: 'depth', symbols: ['RELIANCE', 'NOPE'] });
    expect(ack).toEqual({ ok: true, symbols: ['RELIANCE'], refused: [{ symbol: 'NOPE', reason: 'unknown symbol' }] });
    await sleep(2000);
    const books = c.depth;
    expect(books.length).toBeGreaterThan(5);
    expect(books.length).toBeLessThanOrEqual(25); // 2 s × 10/s, a burst of 3, the snapshot and a boundary
    books.forEach((d, i) => {
      DepthEventSchema.parse({ ...d, at: undefined });
      expect(d.symbol).toBe('RELIANCE');
      expect(d.seq).toBe(i + 1);
      expect(d.bids).toHaveLength(5);
    });
    expect(c.ticks).toEqual([]);
    const un = await c.request('unsubscribe', { channel: 'depth', symbols: ['RELIANCE'] });
    expect(un.symbols).toEqual(['RELIANCE']);
    await sleep(100);
    const n = c.depth.length;
    await sleep(500);
    expect(c.depth.length).toBe(n);
  });

  it('writes the live candles to Postgres within about a second', async () => {
    const { token } = await signedIn(api);
    // The store's newest bar is the minute the read ran in. A read that straddles a minute boundary
    // (or lands in the first second of a minute, before the flush wrote the new bar) is read again:
    // the test asks for the bucket of a clock sampled around the read, never of a later Date.now().
    const res = await eventually(
      async () => {
        const before = Date.now();
        const r = await api.http.get('/api/v1/market/candles?symbol=RELIANCE&timeframe=1m', token);
        const after = Date.now();
        const last = r.body.candles?.at(-1);
        if (!last) return null;
        const bucket = bucketStart(before, '1m');
        return bucket === bucketStart(after, '1m') && Date.parse(last.ts) === bucket ? r : null;
      },
      4000,
      'the current minute stored',
    );
    expect(res.body.candles.length).toBeGreaterThan(0);
  });
});
