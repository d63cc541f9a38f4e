import { asBrokerOrderId, BrokerError, InstrumentMap, type BrokerOrder, type PlaceOrderRequest } from '../adapter';
import { kitePostbackChecksum } from './kite-auth';
import { parseKiteOrder } from './kite-responses';
import { KiteAdapter, type KiteAdapterOptions } from './kite.adapter';
import { kiteDecimalToScaled } from './kite-prices';
import { failure, json, kiteOrderJson, startHttpStub, startWsStub, success, type HttpStub, type WsStub } from './kite-stub.fixture';

/** Waits for a condition, with room for a loaded machine (vitest's default is 1 s). */
const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const instruments = new InstrumentMap('kite', [
  {
    ref: { exchange: 'NSE', symbol: 'INFY' },
    broker: { exchange: 'NSE', symbol: 'INFY', token: '408065', quantityUnit: 'units', lotSize: 1 },
  },
  {
    ref: { exchange: 'NFO', symbol: 'NIFTY26DECFUT' },
    broker: { exchange: 'NFO', symbol: 'NIFTY26DECFUT', token: '9', quantityUnit: 'units', lotSize: 75 },
  },
]);

const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;

const request = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  clientOrderId: '0190c5e2-7a7e-7c2b-9d3f-000000000001',
  instrument: INFY,
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  quantity: 10,
  price: 15_005_000,
  triggerPrice: null,
  ...over,
});

/** A rate limiter clock that never really waits: sleeping moves time on. */
const manualClock = () => {
  const c = {
    t: 1_700_000_000_000,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
};

async function caught(p: Promise<unknown> | (() => unknown)): Promise<BrokerError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

describe('KiteAdapter over REST', () => {
  let stub: HttpStub;
  let adapter: KiteAdapter;
  let clock: ReturnType<typeof manualClock>;
  const lost: BrokerError[] = [];

  const make = (over: Partial<KiteAdapterOptions> = {}): KiteAdapter => {
    adapter = new KiteAdapter({
      apiKey: 'kk',
      accessToken: 'tt',
      apiRoot: stub.url,
      instruments,
      clock,
      timeoutMs: 2_000,
      ticker: { enabled: false },
      onAuthLost: (e) => lost.push(e),
      ...over,
    });
    return adapter;
  };

  beforeEach(async () => {
    stub = await startHttpStub();
    clock = manualClock();
    lost.length = 0;
    make();
  });
  afterEach(async () => {
    adapter.close();
    await stub.close();
  });

  it('capabilities: push updates, Kite tags, DAY/IOC, every type and product, slicing, 500 quotes per call', () => {
    expect(adapter.broker).toBe('kite');
    expect(adapter.capabilities).toMatchObject({
      updates: 'push',
      validities: ['DAY', 'IOC'],
      orderTypes: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      products: expect.arrayContaining(['CNC', 'MIS', 'NRML']),
      slicing: true,
      maxQuoteBatch: 500,
    });
    expect(adapter.capabilities.rateLimits.orders.map((w) => w.limit)).toEqual([10, 400, 5_000]);
  });

  it('places with the form, our tag and the variety; an amo goes to /orders/amo', async () => {
    stub.handle((req, res) => success(res, { order_id: req.path === '/orders/amo' ? '2' : '1' }));
    const result = await adapter.placeOrder(request());
    expect(result).toEqual({ brokerOrderIds: ['1'], failedSlices: [] });
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      tradingsymbol: 'INFY',
      exchange: 'NSE',
      transaction_type: 'BUY',
      order_type: 'LIMIT',
      quantity: '10',
      product: 'CNC',
      validity: 'DAY',
      price: '1500.50',
      tag: adapter.correlationTag(request().clientOrderId),
    });
    expect(form.get('tag')).toMatch(/^[A-Za-z0-9]{1,20}$/);
    expect(await adapter.placeOrder({ ...request(), variety: 'amo' } as PlaceOrderRequest)).toMatchObject({ brokerOrderIds: ['2'] });
    expect(stub.requests[1]!.path).toBe('/orders/amo');
  });

  it('varietyAt picks the variety of a placement that does not name one (amo outside market hours), at the adapter clock', async () => {
    const seen: number[] = [];
    const start = clock.t;
    make({ varietyAt: (now) => (seen.push(now), now >= start + 1_000 ? 'amo' : 'regular') });
    stub.handle((req, res) => success(res, { order_id: req.path === '/orders/amo' ? '2' : '1' }));
    expect(await adapter.placeOrder(request())).toMatchObject({ brokerOrderIds: ['1'] });
    clock.t += 1_000;
    expect(await adapter.placeOrder(request())).toMatchObject({ brokerOrderIds: ['2'] });
    // A request that names its variety keeps it.
    expect(await adapter.placeOrder({ ...request(), variety: 'regular' } as PlaceOrderRequest)).toMatchObject({ brokerOrderIds: ['1'] });
    expect(stub.requests.map((r) => r.path)).toEqual(['/orders/regular', '/orders/amo', '/orders/regular']);
    expect(seen).toHaveLength(2);
  });

  it('autoslice: one placement, several broker ids, refused children as failedSlices', async () => {
    stub.handle((_req, res) =>
      success(res, {
        order_id: 'P',
        children: [
          { order_id: 'C1' },
          { order_id: 'C2' },
          { error: { code: 400, error_type: 'MarginException', message: 'Insufficient funds', data: null } },
        ],
      }),
    );
    const result = await adapter.placeOrder({ ...request({ quantity: 5_000 }), autoslice: true } as PlaceOrderRequest);
    expect(result.brokerOrderIds).toEqual(['C1', 'C2']);
    expect(result.failedSlices).toHaveLength(1);
    expect(result.failedSlices[0]).toMatchObject({ kind: 'final', code: 'MarginException' });
    expect(new URLSearchParams(stub.requests[0]!.body).get('autoslice')).toBe('true');
  });

  it('terms Kite cannot take are refused before anything is sent', async () => {
    expect(await caught(adapter.placeOrder(request({ price: null })))).toMatchObject({ kind: 'final', code: 'INVALID_ORDER_TERMS' });
    expect(await caught(() => adapter.placeOrder(request({ instrument: { exchange: 'NSE', symbol: 'NOPE' } })))).toMatchObject({
      kind: 'final',
      code: 'INSTRUMENT_NOT_MAPPED',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('a timeout on place is ambiguous and is not resent; findOrdersByTag then finds the order by its exact tag', async () => {
    const tag = adapter.correlationTag(request().clientOrderId);
    stub.handle((req, res) => {
      if (req.method === 'POST') return; // Kite took it, the answer never came
      success(res, [kiteOrderJson({ order_id: '11', tag }), kiteOrderJson({ order_id: '12', tag: 'someoneelse' })]);
    });
    // Long enough that the request has surely reached the stub on a loaded machine before we give up on the answer.
    make({ timeoutMs: 1_000 });
    expect(await caught(adapter.placeOrder(request()))).toMatchObject({ kind: 'ambiguous', operation: 'place' });
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    // Resolved as a restarted worker would: a fresh adapter on the same session (its reads get the
    // normal timeout; the short one is only for the placement that hangs).
    make();
    const found = await adapter.findOrdersByTag({
      clientOrderId: request().clientOrderId,
      instrument: INFY,
      side: 'BUY',
      quantity: 10,
      sentAfter: 0,
    });
    expect(found.method).toBe('tag');
    expect(found.orders.map((o) => o.brokerOrderId)).toEqual(['11']);
  });

  it('5xx and a non-JSON 200 after a place are ambiguous; a 429 on place surfaces rate_limited once and holds the bucket', async () => {
    let answer: 'bad-gateway' | 'text' | 'limited' | 'ok' = 'bad-gateway';
    stub.handle((_req, res) => {
      if (answer === 'bad-gateway') failure(res, 502, 'NetworkException', 'Gateway');
      else if (answer === 'text') {
        res.writeHead(200);
        res.end('<html>');
      } else if (answer === 'limited') json(res, 429, { status: 'error', error_type: 'NetworkException', message: 'Too many requests' });
      else success(res, { order_id: '3' });
    });
    expect(await caught(adapter.placeOrder(request()))).toMatchObject({ kind: 'ambiguous', httpStatus: 502 });
    answer = 'text';
    expect(await caught(adapter.placeOrder(request()))).toMatchObject({ kind: 'ambiguous', code: 'INVALID_RESPONSE' });
    answer = 'limited';
    const before = stub.requests.length;
    expect(await caught(adapter.placeOrder(request()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(stub.requests.length - before).toBe(1); // never resent by the adapter
    answer = 'ok';
    const t0 = clock.t;
    await adapter.placeOrder(request());
    expect(clock.t - t0).toBeGreaterThanOrEqual(1_000); // the next order waited out the back-off
  });

  it('a 429 on a read backs off and retries', async () => {
    let calls = 0;
    const at: number[] = [];
    stub.handle((_req, res) => {
      at.push(clock.t);
      calls += 1;
      if (calls <= 2) json(res, 429, { status: 'error', error_type: 'NetworkException', message: 'Too many requests' });
      else success(res, []);
    });
    expect(await adapter.listOrders()).toEqual([]);
    expect(calls).toBe(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('orders go out no faster than 10 per second (limiter before sending)', async () => {
    const at: number[] = [];
    stub.handle((_req, res) => {
      at.push(clock.t);
      success(res, { order_id: String(at.length) });
    });
    for (let i = 0; i < 12; i += 1) await adapter.placeOrder(request({ clientOrderId: `c${i}` }));
    expect(at[9]! - at[0]!).toBeLessThan(1_000);
    expect(at[10]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(at[11]! - at[1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('TokenException at any status: auth, onAuthLost once, then nothing more is sent', async () => {
    stub.handle((_req, res) => failure(res, 400, 'TokenException', 'Token is invalid or has expired.'));
    expect(await caught(adapter.listOrders())).toMatchObject({ kind: 'auth', httpStatus: 400, code: 'TokenException' });
    expect(lost).toHaveLength(1);
    expect(adapter.sessionLost).toBe(lost[0]);
    const sent = stub.requests.length;
    expect(await caught(adapter.placeOrder(request()))).toMatchObject({ kind: 'auth', operation: 'place' });
    expect(stub.requests).toHaveLength(sent);
    expect(lost).toHaveLength(1);
  });

  it('modify sends order_type and the changed fields to the order variety; cancel deletes it', async () => {
    stub.handle((req, res) => {
      if (req.method === 'GET') success(res, [kiteOrderJson({ order_id: '77', variety: 'amo', status: 'AMO REQ RECEIVED' })]);
      else success(res, { order_id: req.method === 'POST' ? '1' : req.path.split('/').pop() });
    });
    await adapter.placeOrder(request());
    await adapter.modifyOrder(asBrokerOrderId('1'), { price: 15_010_000 });
    expect(stub.requests[1]).toMatchObject({ method: 'PUT', path: '/orders/regular/1', body: 'order_type=LIMIT&price=1501.00' });
    // An order we did not place in this process: its variety comes from its history.
    await adapter.cancelOrder(asBrokerOrderId('77'));
    expect(stub.requests.slice(2).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /orders/77', 'DELETE /orders/amo/77']);
  });

  it('getOrder is the last snapshot of the history; an unknown id is a final ORDER_NOT_FOUND', async () => {
    stub.handle((req, res) => {
      if (req.path === '/orders/5')
        success(res, [
          kiteOrderJson({ order_id: '5', status: 'PUT ORDER REQ RECEIVED' }),
          kiteOrderJson({ order_id: '5', status: 'OPEN', filled_quantity: 4, average_price: 1500.25 }),
        ]);
      else failure(res, 400, 'GeneralException', "Couldn't find that `order_id`.");
    });
    expect(await adapter.getOrder(asBrokerOrderId('5'))).toMatchObject({
      status: 'PARTIALLY_FILLED',
      filledQuantity: 4,
      averagePrice: 15_002_500,
      rawStatus: 'OPEN',
    });
    expect(await caught(adapter.getOrder(asBrokerOrderId('6')))).toMatchObject({ kind: 'final', code: 'ORDER_NOT_FOUND', httpStatus: 400 });
  });

  it('trades, net positions (NFO lots, exact realised paise) and equity funds', async () => {
    stub.handle((req, res) => {
      if (req.path === '/trades')
        success(res, [
          {
            trade_id: 'T2',
            order_id: '1',
            exchange: 'NSE',
            tradingsymbol: 'INFY',
            product: 'CNC',
            average_price: 1500.55,
            quantity: 3,
            transaction_type: 'BUY',
            fill_timestamp: '2026-12-01 09:16:00',
          },
          {
            trade_id: 'T1',
            order_id: '1',
            exchange: 'NSE',
            tradingsymbol: 'INFY',
            product: 'CNC',
            average_price: 1500.5,
            quantity: 7,
            transaction_type: 'BUY',
            fill_timestamp: '2026-12-01 09:15:30',
          },
          {
            trade_id: 'T9',
            order_id: '9',
            exchange: 'BSE',
            tradingsymbol: 'ZZZ',
            product: 'CNC',
            average_price: 1,
            quantity: 1,
            transaction_type: 'BUY',
          },
        ]);
      else if (req.path === '/portfolio/positions')
        success(res, {
          net: [
            {
              exchange: 'NSE',
              tradingsymbol: 'INFY',
              product: 'CNC',
              quantity: 10,
              average_price: 1500.535,
              last_price: 1501,
              realised: 0,
            },
            {
              exchange: 'NFO',
              tradingsymbol: 'NIFTY26DECFUT',
              product: 'NRML',
              quantity: -75,
              average_price: 24350.05,
              last_price: 24300,
              realised: 1234.565,
            },
            { exchange: 'NSE', tradingsymbol: 'INFY', product: 'MIS', quantity: 0, average_price: 0, last_price: 1501, realised: -12.3 },
          ],
          day: [],
        });
      else success(res, { equity: { enabled: true, net: 99999.995, available: { cash: 100000 }, utilised: { debits: 15005.25 } } });
    });
    const trades = await adapter.listTrades();
    expect(trades.map((t) => [t.tradeId, t.quantity, t.price, t.side, t.product])).toEqual([
      ['T1', 7, 15_005_000, 'BUY', 'CNC'],
      ['T2', 3, 15_005_500, 'BUY', 'CNC'],
    ]);
    expect(await adapter.listPositions()).toEqual([
      { instrument: INFY, product: 'CNC', netQuantity: 10, averagePrice: 15_005_350, lastPrice: 15_010_000, realisedPnl: 0n },
      {
        instrument: { exchange: 'NFO', symbol: 'NIFTY26DECFUT' },
        product: 'NRML',
        netQuantity: -75,
        averagePrice: 243_500_500,
        lastPrice: 243_000_000,
        realisedPnl: 123_457n,
      },
      { instrument: INFY, product: 'MIS', netQuantity: 0, averagePrice: null, lastPrice: 15_010_000, realisedPnl: -1_230n },
    ]);
    expect(await adapter.funds()).toEqual({ availableCash: 10_000_000n, usedMargin: 1_500_525n });
  });

  it('quotes: batches of at most 500 through the 1/s quotes bucket; instruments without a quote are left out', async () => {
    const at: number[] = [];
    stub.handle((req, res) => {
      at.push(clock.t);
      const keys = req.query.getAll('i');
      const data: Record<string, unknown> = {};
      for (const k of keys.slice(1))
        data[k] = {
          last_price: 1500.5,
          timestamp: '2026-12-01 09:15:00',
          depth: { buy: [{ price: 1500.45, quantity: 1 }], sell: [{ price: 1500.55, quantity: 1 }] },
        };
      success(res, data);
    });
    const many = new InstrumentMap(
      'kite',
      Array.from({ length: 600 }, (_, i) => ({
        ref: { exchange: 'NSE' as const, symbol: `S${i}` },
        broker: { exchange: 'NSE', symbol: `S${i}`, quantityUnit: 'units' as const, lotSize: 1 },
      })),
    );
    make({ instruments: many });
    const quotes = await adapter.quotes(Array.from({ length: 600 }, (_, i) => ({ exchange: 'NSE' as const, symbol: `S${i}` })));
    expect(stub.requests.map((r) => r.query.getAll('i').length)).toEqual([500, 100]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(quotes).toHaveLength(598);
    expect(quotes[0]).toEqual({
      instrument: { exchange: 'NSE', symbol: 'S1' },
      ltp: 15_005_000,
      bid: 15_004_500,
      ask: 15_005_500,
      ts: Date.UTC(2026, 11, 1, 3, 45),
    });
  });
});

describe('kiteDecimalToScaled', () => {
  it('rupees to paise and ticks by decimal arithmetic, half away from zero', () => {
    expect(kiteDecimalToScaled(1234.565, 2)).toBe(123_457n);
    expect(kiteDecimalToScaled(-12.345, 2)).toBe(-1_235n);
    expect(kiteDecimalToScaled('0.1', 2)).toBe(10n);
    expect(kiteDecimalToScaled(0.1 + 0.2, 2)).toBe(30n);
    expect(kiteDecimalToScaled(1e21, 2)).toBe(10n ** 23n);
    expect(kiteDecimalToScaled(5e-7, 4)).toBe(0n);
    expect(kiteDecimalToScaled(1500.535, 4)).toBe(15_005_350n);
    expect(kiteDecimalToScaled('abc', 2)).toBeNull();
    expect(kiteDecimalToScaled(Number.NaN, 2)).toBeNull();
    expect(kiteDecimalToScaled(null, 2)).toBeNull();
  });
});

describe('KiteAdapter updates (ticker and postbacks)', () => {
  let stub: HttpStub;
  let ws: WsStub;
  let adapter: KiteAdapter;
  const SECRET = 'test_secret';

  beforeEach(async () => {
    stub = await startHttpStub();
    ws = await startWsStub();
  });
  afterEach(async () => {
    adapter.close();
    await ws.close();
    await stub.close();
  });

  const make = (over: Partial<KiteAdapterOptions> = {}): KiteAdapter => {
    adapter = new KiteAdapter({
      apiKey: 'kk',
      accessToken: 'tt',
      apiRoot: stub.url,
      wsRoot: ws.url,
      instruments,
      apiSecret: SECRET,
      ticker: { stallMs: 30_000, backoff: { initialMs: 10, maxMs: 20 }, random: () => 0 },
      ...over,
    });
    return adapter;
  };
  const frame = (over: Record<string, unknown>) => JSON.stringify({ type: 'order', data: kiteOrderJson(over) });
  const postback = (over: Record<string, unknown>) => {
    const body = kiteOrderJson(over);
    return JSON.stringify({ ...body, checksum: kitePostbackChecksum(String(body.order_id), String(body.order_timestamp), SECRET) });
  };

  it('ticker frames reach listeners once each, in monotonic order; a throwing listener is isolated; postbacks share the path', async () => {
    const errors: unknown[] = [];
    const reconnects: unknown[] = [];
    make({ onError: (e) => errors.push(e), onReconnect: (i) => reconnects.push(i) });
    const seen: BrokerOrder[] = [];
    adapter.subscribe(() => {
      throw new Error('listener bug');
    });
    adapter.subscribe((o) => seen.push(o));
    const conn = await ws.connection(1);
    await waitFor(() => expect(reconnects).toEqual([{ attempt: 1, reconnect: false }]));

    conn.socket.send(frame({ order_id: '1', status: 'OPEN' }));
    conn.socket.send(frame({ order_id: '1', status: 'OPEN' })); // duplicate
    conn.socket.send(frame({ order_id: '1', status: 'OPEN', filled_quantity: 6, average_price: 1500.5 }));
    conn.socket.send(frame({ order_id: '1', status: 'OPEN', filled_quantity: 3, average_price: 1500.5 })); // late
    conn.socket.send(frame({ order_id: '1', status: 'VALIDATION PENDING' })); // late
    conn.socket.send(frame({ order_id: '1', status: 'COMPLETE', filled_quantity: 10, average_price: 1500.5 }));
    await waitFor(() => expect(seen.at(-1)?.status).toBe('FILLED'));
    // The same COMPLETE by postback: already seen.
    expect(
      adapter.ingestPostback(postback({ order_id: '1', status: 'COMPLETE', filled_quantity: 10, average_price: 1500.5 })),
    ).toMatchObject({
      status: 'FILLED',
    });
    conn.socket.send(frame({ order_id: '1', status: 'OPEN', filled_quantity: 6, average_price: 1500.5 })); // after terminal
    // A postback can also come first.
    adapter.ingestPostback(postback({ order_id: '2', status: 'CANCELLED' }));
    conn.socket.send(frame({ order_id: '2', status: 'CANCELLED' }));
    conn.socket.send(frame({ order_id: '3', status: 'OPEN' })); // a marker that everything before it was handled
    await waitFor(() => expect(seen.at(-1)?.brokerOrderId).toBe('3'));

    expect(seen.map((o) => [o.brokerOrderId, o.status, o.filledQuantity])).toEqual([
      ['1', 'OPEN', 0],
      ['1', 'PARTIALLY_FILLED', 6],
      ['1', 'FILLED', 10],
      ['2', 'CANCELLED', 0],
      ['3', 'OPEN', 0],
    ]);
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e instanceof Error && e.message === 'listener bug')).toBe(true);
  });

  it('an UPDATE event (modification, partial fill) is not a state: the order is re-read and that snapshot delivered', async () => {
    make();
    stub.handle((_req, res) => success(res, [kiteOrderJson({ order_id: '8', status: 'OPEN', filled_quantity: 4, average_price: 1500.5 })]));
    const seen: BrokerOrder[] = [];
    adapter.subscribe((o) => seen.push(o));
    const conn = await ws.connection(1);
    // A modification: nothing filled, so the status (OPEN or TRIGGER PENDING) is read back.
    conn.socket.send(frame({ order_id: '8', status: 'UPDATE', price: 1501 }));
    await waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toMatchObject({ brokerOrderId: '8', status: 'PARTIALLY_FILLED', filledQuantity: 4, rawStatus: 'OPEN' });
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /orders/8']);
    // A partial fill says so itself: delivered at once, no read.
    conn.socket.send(frame({ order_id: '8', status: 'UPDATE', filled_quantity: 6, average_price: 1500.5 }));
    await waitFor(() => expect(seen).toHaveLength(2));
    expect(seen[1]).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 6, rawStatus: 'UPDATE' });
    expect(stub.requests).toHaveLength(1);
  });

  it('feedUpdate: a stop modified passes through MODIFY PENDING and comes back TRIGGER PENDING; late and repeated states are dropped', () => {
    make({ ticker: { enabled: false } });
    const seen: BrokerOrder[] = [];
    adapter.subscribe((o) => seen.push(o));
    const o = (over: Record<string, unknown>) =>
      parseKiteOrder(kiteOrderJson({ order_id: '9', order_type: 'SL-M', price: 0, trigger_price: 1510, ...over }), { instruments });
    expect(adapter.feedUpdate(o({ status: 'TRIGGER PENDING' }))).toBe(true);
    expect(adapter.feedUpdate(o({ status: 'MODIFY PENDING' }))).toBe(true);
    expect(adapter.feedUpdate(o({ status: 'TRIGGER PENDING', trigger_price: 1505 }))).toBe(true);
    expect(adapter.feedUpdate(o({ status: 'TRIGGER PENDING', trigger_price: 1505 }))).toBe(false);
    expect(adapter.feedUpdate(o({ status: 'VALIDATION PENDING' }))).toBe(false);
    expect(adapter.feedUpdate(o({ status: 'COMPLETE', filled_quantity: 10, average_price: 1506, trigger_price: 1505 }))).toBe(true);
    expect(adapter.feedUpdate(o({ status: 'CANCELLED' }))).toBe(false);
    expect(seen.map((u) => [u.status, u.triggerPrice])).toEqual([
      ['TRIGGER_PENDING', 15_100_000],
      ['OPEN', 15_100_000],
      ['TRIGGER_PENDING', 15_050_000],
      ['FILLED', 15_050_000],
    ]);
  });

  it('a postback with a bad checksum is refused and applies nothing', () => {
    make({ ticker: { enabled: false } });
    const seen: BrokerOrder[] = [];
    adapter.subscribe((o) => seen.push(o));
    // The checksum covers order_id + order_timestamp: a body re-addressed to another order fails it.
    const tampered = JSON.stringify({ ...JSON.parse(postback({ order_id: '4' })), order_id: '5' });
    expect(() => adapter.ingestPostback(tampered)).toThrow(BrokerError);
    try {
      adapter.ingestPostback(tampered);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'final', code: 'POSTBACK_CHECKSUM_MISMATCH' });
    }
    expect(seen).toEqual([]);
  });

  it('reconnect → onReconnect; reconcile feeds what the socket missed through the same dedup', async () => {
    const reconnects: { reconnect: boolean }[] = [];
    make({ onReconnect: (i) => reconnects.push(i) });
    const seen: BrokerOrder[] = [];
    adapter.subscribe((o) => seen.push(o));
    const first = await ws.connection(1);
    first.socket.send(frame({ order_id: '1', status: 'OPEN' }));
    await waitFor(() => expect(seen).toHaveLength(1));
    first.socket.terminate();
    await waitFor(() => expect(reconnects.map((r) => r.reconnect)).toEqual([false, true]));
    // The fill happened while the socket was down; the book has it.
    stub.handle((_req, res) =>
      success(res, [kiteOrderJson({ order_id: '1', status: 'COMPLETE', filled_quantity: 10, average_price: 1500.5 })]),
    );
    await adapter.reconcile();
    await adapter.reconcile();
    expect(seen.map((o) => o.status)).toEqual(['OPEN', 'FILLED']);
  });

  it('the ticker refused with 403 is the session lost too', async () => {
    ws.refuseWith(403);
    const lost: BrokerError[] = [];
    make({ onAuthLost: (e) => lost.push(e) });
    adapter.subscribe(() => undefined);
    await waitFor(() => expect(lost).toHaveLength(1));
    expect(lost[0]).toMatchObject({ kind: 'auth', httpStatus: 403 });
    expect(await caught(adapter.listOrders())).toMatchObject({ kind: 'auth' });
    expect(stub.requests).toHaveLength(0);
  });
});
