import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { BrokerOrder, CorrelationProbe } from '../adapter/broker-adapter.port';
import { asBrokerOrderId } from '../adapter/identifiers';
import { InstrumentMap } from '../adapter/instrument.mapper';
import { pickHeuristicMatch } from './openalgo-correlation';
import { OpenAlgoHttpClient } from './openalgo-http';
import { openAlgoPlaceBody } from './openalgo-orders';
import {
  formatOpenAlgoTime,
  openAlgoInteger,
  parseOpenAlgoFunds,
  parseOpenAlgoHoldings,
  parseOpenAlgoOrder,
  parseOpenAlgoPositions,
  parseOpenAlgoTime,
  parseOpenAlgoTradeBook,
} from './openalgo-responses';

const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const instruments = new InstrumentMap('openalgo', [
  { ref: INFY, broker: { exchange: 'NSE', symbol: 'INFY', quantityUnit: 'units', lotSize: 1 } },
  { ref: { exchange: 'NSE', symbol: 'SBIN' }, broker: { exchange: 'NSE', symbol: 'SBIN', quantityUnit: 'units', lotSize: 1 } },
]);
const T0 = Date.UTC(2026, 11, 7, 4, 0, 0); // 09:30 IST

const order = (id: string, over: Partial<BrokerOrder> = {}): BrokerOrder => ({
  brokerOrderId: asBrokerOrderId(id),
  parentBrokerOrderId: null,
  tag: null,
  instrument: INFY,
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 2,
  price: 9_990_000,
  triggerPrice: null,
  rawStatus: 'open',
  status: 'OPEN',
  filledQuantity: 0,
  averagePrice: null,
  rejectReason: null,
  placedAt: T0,
  updatedAt: T0,
  ...over,
});
const probe: CorrelationProbe = { clientOrderId: 'x', instrument: INFY, side: 'BUY', quantity: 2, sentAfter: T0 + 400 };

describe('pickHeuristicMatch (OpenAlgo has no tags: docs/brokers.md 4.6)', () => {
  it('finds nothing when no order matches instrument, side and quantity', () => {
    const orders = [
      order('1', { side: 'SELL' }),
      order('2', { quantity: 3 }),
      order('3', { instrument: { exchange: 'NSE', symbol: 'SBIN' } }),
    ];
    expect(pickHeuristicMatch(orders, probe)).toBeNull();
    expect(pickHeuristicMatch([], probe)).toBeNull();
  });

  it('ignores orders placed before the second sentAfter falls in', () => {
    expect(pickHeuristicMatch([order('1', { placedAt: T0 - 1000 })], probe)).toBeNull();
    // OpenAlgo's times have whole seconds: 09:30:00 counts for a send at 09:30:00.400.
    expect(pickHeuristicMatch([order('1', { placedAt: T0 })], probe)?.brokerOrderId).toBe('1');
  });

  it('of several candidates picks the newest after sentAfter', () => {
    const orders = [order('1', { placedAt: T0 + 1000 }), order('3', { placedAt: T0 + 5000 }), order('2', { placedAt: T0 + 3000 })];
    expect(pickHeuristicMatch(orders, probe)?.brokerOrderId).toBe('3');
  });

  it('never picks an order already claimed by another placement', () => {
    const orders = [order('1', { placedAt: T0 + 1000 }), order('2', { placedAt: T0 + 2000 })];
    expect(pickHeuristicMatch(orders, probe, new Set(['2']))?.brokerOrderId).toBe('1');
    expect(pickHeuristicMatch(orders, probe, new Set(['1', '2']))).toBeNull();
  });
});

describe('OpenAlgo replies', () => {
  const ctx = { instruments, nowMs: T0 };

  it('reads string quantities and lower-case statuses; fills from the trade book', () => {
    const { trades, fills } = parseOpenAlgoTradeBook(
      [
        {
          orderid: '25',
          symbol: 'INFY',
          exchange: 'NSE',
          action: 'BUY',
          product: 'MIS',
          quantity: '1',
          average_price: 1000.05,
          timestamp: '09:30:01',
        },
        {
          orderid: '25',
          symbol: 'INFY',
          exchange: 'NSE',
          action: 'BUY',
          product: 'MIS',
          quantity: 2,
          average_price: '1000.10',
          timestamp: '09:30:02',
        },
      ],
      ctx,
    );
    expect(trades.map((t) => [t.tradeId, t.quantity, t.price, t.ts])).toEqual([
      ['25-1', 1, 10_000_500, T0 + 1000],
      ['25-2', 2, 10_001_000, T0 + 2000],
    ]);
    const o = parseOpenAlgoOrder(
      {
        orderid: 25,
        symbol: 'INFY',
        exchange: 'NSE',
        action: 'buy',
        quantity: '5',
        price: '1000.1',
        trigger_price: 0,
        pricetype: 'LIMIT',
        product: 'MIS',
        order_status: 'open',
        timestamp: '07-Dec-2026 09:30:00',
      },
      ctx,
      fills,
    )!;
    expect(o).toMatchObject({
      brokerOrderId: '25',
      status: 'PARTIALLY_FILLED',
      filledQuantity: 3,
      quantity: 5,
      price: 10_001_000,
      placedAt: T0,
    });
    expect(o.averagePrice).toBe(10_000_833);
    // Reached with its latest fill, not when it was placed.
    expect(o.updatedAt).toBe(T0 + 2000);
  });

  it('a complete order without trades is filled whole; unknown statuses are UNKNOWN', () => {
    const base = {
      orderid: '9',
      symbol: 'INFY',
      exchange: 'NSE',
      action: 'SELL',
      quantity: 4,
      price: 0,
      trigger_price: 0,
      pricetype: 'MARKET',
      product: 'CNC',
    };
    expect(parseOpenAlgoOrder({ ...base, order_status: 'complete', average_price: 1001 }, ctx)).toMatchObject({
      status: 'FILLED',
      filledQuantity: 4,
      averagePrice: 10_010_000,
    });
    expect(parseOpenAlgoOrder({ ...base, order_status: 'validation pending' }, ctx)?.status).toBe('UNKNOWN');
    expect(parseOpenAlgoOrder({ ...base, symbol: 'NOPE' }, ctx)).toBeNull();
  });

  it('positions and funds come as strings', () => {
    expect(
      parseOpenAlgoPositions(
        [{ symbol: 'INFY', exchange: 'NSE', product: 'MIS', quantity: '-10', average_price: '1000.00', ltp: '999.5', pnl: '5.00' }],
        ctx,
      ),
    ).toEqual([{ instrument: INFY, product: 'MIS', netQuantity: -10, averagePrice: 10_000_000, lastPrice: 9_995_000, realisedPnl: 0n }]);
    expect(parseOpenAlgoFunds({ availablecash: '100000.50', collateral: '0', utiliseddebits: '1234.56' })).toEqual({
      availableCash: 10_000_050n,
      usedMargin: 123_456n,
    });
    expect(openAlgoInteger('2.5')).toBeNull();
    expect(openAlgoInteger('10.00')).toBe(10);
  });

  it('holdings: one quantity per row (no T1 apart), strings or numbers; a malformed reply is INVALID_RESPONSE', () => {
    const data = {
      holdings: [
        { symbol: 'INFY', exchange: 'NSE', product: 'CNC', quantity: '12', pnl: '150.25', pnlpercent: '1.2' },
        { symbol: 'NOPE', exchange: 'NSE', product: 'CNC', quantity: 3, pnl: 0, pnlpercent: 0 },
        { symbol: 'SBIN', exchange: 'NSE', product: 'CNC', quantity: 5, pnl: -10, pnlpercent: -0.5, average_price: 800, ltp: '798.5' },
      ],
      statistics: { totalholdingvalue: 0, totalinvvalue: 0, totalprofitandloss: 0, totalpnlpercentage: 0 },
    };
    expect(parseOpenAlgoHoldings(data, ctx)).toEqual([
      { instrument: INFY, quantity: 12, t1Quantity: null, usedQuantity: null, averagePrice: null, lastPrice: null, pnl: 15_025n },
      {
        instrument: { exchange: 'NSE', symbol: 'SBIN' },
        quantity: 5,
        t1Quantity: null,
        usedQuantity: null,
        averagePrice: 8_000_000,
        lastPrice: 7_985_000,
        pnl: -1_000n,
      },
    ]);
    expect(parseOpenAlgoHoldings({ holdings: [], statistics: {} }, ctx)).toEqual([]);
    expect(parseOpenAlgoHoldings(null, ctx)).toEqual([]);
    for (const bad of [
      [],
      { holdings: {} },
      { holdings: [null] },
      { holdings: [{ exchange: 'NSE', quantity: 1 }] },
      { holdings: [{ symbol: 'INFY', exchange: 'NSE', quantity: '2.5' }] },
      { holdings: [{ symbol: 'INFY', exchange: 'NSE', quantity: -1 }] },
      { holdings: [{ symbol: 'INFY', exchange: 'NSE', quantity: 1, pnl: 'much' }] },
    ]) {
      expect(() => parseOpenAlgoHoldings(bad, ctx), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ kind: 'retryable', code: 'INVALID_RESPONSE' }),
      );
    }
  });

  it('times: OpenAlgo, broker and time-only forms, all IST', () => {
    expect(parseOpenAlgoTime('07-Dec-2026 09:30:00', 0)).toBe(T0);
    expect(parseOpenAlgoTime('2026-12-07 09:30:00', 0)).toBe(T0);
    expect(parseOpenAlgoTime('09:30:00', T0 + 5_000)).toBe(T0);
    expect(formatOpenAlgoTime(T0)).toBe('07-Dec-2026 09:30:00');
    expect(parseOpenAlgoTime('soon', 0)).toBeNull();
  });

  it('refuses IOC before sending (OpenAlgo has no validity)', () => {
    expect(() =>
      openAlgoPlaceBody(
        {
          clientOrderId: 'a',
          instrument: INFY,
          side: 'BUY',
          type: 'MARKET',
          product: 'MIS',
          validity: 'IOC',
          quantity: 1,
          price: null,
          triggerPrice: null,
        },
        instruments.toBroker(INFY),
      ),
    ).toThrow(expect.objectContaining({ kind: 'final', code: 'VALIDITY_NOT_SUPPORTED' }));
  });
});

describe('OpenAlgoHttpClient error kinds (docs/brokers.md 4.9)', () => {
  const client = (status: number, body: string) =>
    new OpenAlgoHttpClient({ host: 'http://oa.test/', apiKey: 'k', fetch: async () => new Response(body, { status }) });
  const fail = async (c: OpenAlgoHttpClient, op: 'place' | 'read') =>
    c.post('placeorder', op).then(
      () => null,
      (e: unknown) => e,
    );

  it('maps replies to kinds', async () => {
    expect(await fail(client(403, '{"status":"error","message":"Invalid openalgo apikey"}'), 'read')).toMatchObject({
      kind: 'auth',
      code: 'INVALID_API_KEY',
    });
    expect(await fail(client(400, '{"status":"error","message":"quantity: bad"}'), 'place')).toMatchObject({
      kind: 'final',
      brokerMessage: 'quantity: bad',
    });
    expect(await fail(client(500, '{"status":"error","message":"broker down"}'), 'place')).toMatchObject({ kind: 'ambiguous' });
    expect(await fail(client(500, '{"status":"error","message":"broker down"}'), 'read')).toMatchObject({ kind: 'retryable' });
    expect(await fail(client(429, 'Too Many Requests'), 'place')).toMatchObject({ kind: 'rate_limited' });
    expect(await fail(client(200, '<html>login</html>'), 'place')).toMatchObject({ kind: 'ambiguous', code: 'NOT_OPENALGO' });
    expect(await fail(client(200, '<html>login</html>'), 'read')).toMatchObject({ kind: 'retryable', code: 'NOT_OPENALGO' });
  });

  it('sends the apikey in the JSON body', async () => {
    let seen: { url: string; body: unknown } | null = null;
    const c = new OpenAlgoHttpClient({
      host: 'http://oa.test',
      apiKey: 'secret',
      fetch: async (url, init) => {
        seen = { url, body: JSON.parse(String(init.body)) };
        return new Response('{"status":"success","data":{}}');
      },
    });
    await c.post('funds', 'read');
    expect(seen).toEqual({ url: 'http://oa.test/api/v1/funds', body: { apikey: 'secret' } });
  });

  it('a host that is down is a clear retryable error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const c = new OpenAlgoHttpClient({ host: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 2_000 });
    expect(await fail(c, 'place')).toMatchObject({
      kind: 'retryable',
      code: 'ECONNREFUSED',
      message: expect.stringContaining('cannot reach OpenAlgo'),
    });
  });
});
