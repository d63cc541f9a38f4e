import type { PriceTicks } from '@tradeloop/domain';
import { MarketDepthSchema } from '@tradeloop/contracts';
import type { TestApi } from './test-api';
import { eventually, MarketClient } from './market-socket';

/**
 * The MARKET_FEED=<broker> end-to-end checks every broker's feed must pass (the Kite, Upstox and
 * OpenAlgo market-feed int specs): the broker fake's ticks — not the simulator's — become our quotes,
 * depth, candles and socket ticks. Each spec brings its fake's tick function.
 */

/**
 * Sends one tick of `symbol` through the broker's fake: last trade 5 units, previous close ₹1200,
 * a 5-level book ₹0.05 apart each side of `ltp` with 100·k units on level k.
 */
export type FeedTick = (symbol: string, ltp: PriceTicks, volume: number) => unknown;

export interface FeedWorld {
  readonly api: TestApi;
  /** The trader's bearer token. */
  readonly token: string;
  readonly tick: FeedTick;
  /** The spec closes these after all its tests. */
  readonly clients: MarketClient[];
  /** Orders on the five ask levels as the broker reports them (zeros where it has no counts). */
  readonly askOrders: readonly [number, number, number, number, number];
  /** Broker-specific checks after the candle's and before the socket's. */
  readonly thenAlso?: () => Promise<void>;
}

/** RELIANCE twice and INFY once through the fake: our quotes, book, live candle and socket carry them (and nothing else). */
export async function expectFeedIsOurMarket(w: FeedWorld): Promise<void> {
  const { api, token, tick } = w;
  const c = new MarketClient(api.url, token);
  w.clients.push(c);
  await c.ready();
  expect((await c.request('subscribe', { channel: 'ticks', symbols: ['RELIANCE'] })).symbols).toEqual(['RELIANCE']);
  await c.request('subscribe', { channel: 'depth', symbols: ['RELIANCE'] });

  tick('RELIANCE', 1_234_5000, 10_000);
  tick('RELIANCE', 1_235_0000, 10_040);
  tick('INFY', 1_500_0000, 7_000);

  const quotes = await eventually(
    async () => {
      const r = await api.http.get('/api/v1/market/quotes?symbols=RELIANCE,INFY,SBIN', token);
      return r.body.items?.length === 2 && r.body.items[0].ltp === '1235.00' ? r.body.items : null;
    },
    10_000,
    'quotes from the fake',
  );
  expect(quotes.map((q: { symbol: string }) => q.symbol)).toEqual(['RELIANCE', 'INFY']); // SBIN never ticked: no quote
  expect(quotes[0]).toMatchObject({ ltp: '1235.00', bid: '1234.95', ask: '1235.05', volume: 10_040, prevClose: '1200.00' });
  expect(quotes[1]).toMatchObject({ ltp: '1500.00' });

  // The book is written with the quotes hash, every candle interval (100 ms).
  const depth = MarketDepthSchema.parse(
    await eventually(
      async () => {
        const r = await api.http.get('/api/v1/market/depth?symbol=RELIANCE', token);
        return r.body.bids?.[0]?.price === '1234.95' ? r.body : null;
      },
      5_000,
      'the book from the fake',
    ),
  );
  expect(depth.bids.map((l) => l.price)).toEqual(['1234.95', '1234.90', '1234.85', '1234.80', '1234.75']);
  const o = w.askOrders;
  expect(depth.asks.map((l) => [l.price, l.quantity, l.orders])).toEqual([
    ['1235.05', 100, o[0]],
    ['1235.10', 200, o[1]],
    ['1235.15', 300, o[2]],
    ['1235.20', 400, o[3]],
    ['1235.25', 500, o[4]],
  ]);

  // The live 1m candle, written to Postgres, closes at the fake's last trade.
  const candle = await eventually(
    async () => {
      const r = await api.http.get('/api/v1/market/candles?symbol=RELIANCE&timeframe=1m', token);
      const last = r.body.candles?.at(-1);
      return last && last.close === '1235.00' ? last : null;
    },
    10_000,
    'the live candle in Postgres',
  );
  expect(Number(candle.high)).toBeGreaterThanOrEqual(1235);
  expect(Date.now() - Date.parse(candle.ts)).toBeLessThan(2 * 60_000);

  await w.thenAlso?.();

  await eventually(() => c.ticksOf('RELIANCE').some((t) => t.ltp === '1235.00'), 5_000, 'the socket tick');
  expect(c.ticksOf('RELIANCE').every((t) => ['1234.50', '1235.00'].includes(t.ltp))).toBe(true);
  await eventually(() => c.depth.some((d) => d.bids[0]?.price === '1234.95'), 5_000, 'the socket depth');
}

/** An SBIN tick through the fake becomes our quote (the feed streams again, e.g. after a new login). */
export async function expectFeedQuotesAgain(api: TestApi, token: string, tick: FeedTick, what: string): Promise<void> {
  tick('SBIN', 800_0000, 1_000);
  await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=SBIN', token)).body.items?.[0]?.ltp === '800.00',
    10_000,
    what,
  );
}
