import {
  exchangeUpstoxCode,
  upstoxLoginUrl,
  UpstoxAdapter,
  type BrokerError,
  type BrokerOrder,
  type UpstoxAdapterOptions,
  type UpstoxPlaceOrderRequest,
  type UpstoxPortfolioStreamClient,
} from '@tradeloop/brokers';
import { FakeUpstox, fakeUpstoxInstrumentMap, type FakeUpstoxOptions } from '../upstox-fake';
import { orderRequests, waitFor } from './harness-kit';

// Upstox-only behaviour of UpstoxAdapter against the fake Upstox, beside the shared conformance kit:
// the OAuth2 dialog and code exchange, the two hosts, v3 slicing, funds, quotes, and the portfolio
// stream's reconnects (stall, close, expired session) (docs/brokers.md 2).

const INSTRUMENTS = fakeUpstoxInstrumentMap();
const INFY = { exchange: 'NSE', symbol: 'INFY' } as const;
const INFY_KEY = 'NSE_EQ|INE009A01021';
const NIFTY_FUT = { exchange: 'NFO', symbol: 'NIFTY26DECFUT' } as const;

const order = orderRequests<UpstoxPlaceOrderRequest>('upxfakespec');

describe('UpstoxAdapter against the fake Upstox', () => {
  let fake: FakeUpstox;
  let adapter: UpstoxAdapter;
  const authLost: BrokerError[] = [];
  const reconnects: { reconnect: boolean }[] = [];
  const problems: unknown[] = [];

  async function setup(options: FakeUpstoxOptions = {}, adapterOptions: Partial<UpstoxAdapterOptions> = {}) {
    authLost.length = 0;
    reconnects.length = 0;
    problems.length = 0;
    fake = new FakeUpstox({ heartbeatMs: 50, ...options });
    const endpoints = await fake.start();
    adapter = new UpstoxAdapter({
      accessToken: fake.createSession(),
      apiRoot: endpoints.apiRoot,
      orderRoot: endpoints.orderRoot,
      instruments: INSTRUMENTS,
      timeoutMs: 5_000,
      onAuthLost: (e) => authLost.push(e),
      onReconnect: (info) => reconnects.push(info),
      onError: (e) => problems.push(e),
      stream: { stallMs: 300, backoff: { initialMs: 20, maxMs: 100 }, random: () => 0.5 },
      ...adapterOptions,
    });
    fake.setQuote(INFY_KEY, { ltp: 10_000_000, bid: 10_000_000, ask: 10_000_500 });
  }

  async function connected(): Promise<UpstoxPortfolioStreamClient> {
    const stream = adapter.startStream()!;
    await waitFor(() => expect(stream.connected).toBe(true));
    return stream;
  }

  afterEach(async () => {
    adapter.close();
    await fake.stop();
  });

  it('daily login: the dialog redirects back with a code and our state; the code is exchanged once, form-encoded', async () => {
    await setup();
    const { apiRoot } = fake.endpoints();
    const url = upstoxLoginUrl({ clientId: fake.clientId, redirectUri: fake.redirectUri, state: 'st-1', apiRoot });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(fake.redirectUri);
    expect(back.searchParams.get('state')).toBe('st-1');
    const input = {
      code: back.searchParams.get('code')!,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: fake.redirectUri,
    };
    const session = await exchangeUpstoxCode(input, { apiRoot });
    expect(session.userId).toBe(fake.userId);
    // The token works; the code does not work twice.
    const fresh = new UpstoxAdapter({
      accessToken: session.accessToken,
      apiRoot,
      orderRoot: fake.endpoints().orderRoot,
      instruments: INSTRUMENTS,
    });
    expect(await fresh.listOrders()).toEqual([]);
    await expect(exchangeUpstoxCode(input, { apiRoot })).rejects.toMatchObject({ kind: 'final', code: 'UDAPI100057' });
    // A foreign client_id never gets a code.
    const wrong = await fetch(upstoxLoginUrl({ clientId: 'other', redirectUri: fake.redirectUri, state: 's', apiRoot }), {
      redirect: 'manual',
    });
    expect(wrong.status).toBe(400);
  });

  it('writes go to the order host, reads to the API root; a write sent to the API root is not found there', async () => {
    await setup({}, { stream: { enabled: false } });
    const [id] = (await adapter.placeOrder(order())).brokerOrderIds;
    await adapter.modifyOrder(id!, { price: 9_995_000 });
    await adapter.cancelOrder(id!);
    const hosts = fake.requests.map((r) => `${r.host} ${r.method} ${r.path}`);
    expect(hosts).toContain('order POST /v3/order/place');
    expect(hosts).toContain('order PUT /v3/order/modify');
    expect(hosts).toContain('order DELETE /v3/order/cancel');
    expect(fake.requests.filter((r) => r.host === 'order').every((r) => r.route !== null)).toBe(true);
    expect(fake.requests.filter((r) => r.host === 'api').every((r) => r.method === 'GET')).toBe(true);
    expect((await adapter.getOrder(id!)).status).toBe('CANCELLED');
    const misrouted = await fetch(`${fake.endpoints().apiRoot}/v3/order/place`, { method: 'POST' });
    expect(misrouted.status).toBe(404);
  });

  it('v3 slice: one placement over the freeze quantity → several orders, each with our tag; without slice it is refused', async () => {
    await setup({}, { stream: { enabled: false } });
    const req = order({ instrument: NIFTY_FUT, product: 'NRML', type: 'MARKET', price: null, quantity: 75 * 50 });
    await expect(adapter.placeOrder(req)).rejects.toMatchObject({ kind: 'final' });
    const sliced = await adapter.placeOrder({ ...req, slice: true });
    expect(sliced.brokerOrderIds).toHaveLength(3); // 3750 = 1800 + 1800 + 150
    expect(sliced.failedSlices).toEqual([]);
    const found = await adapter.findOrdersByTag({
      clientOrderId: req.clientOrderId,
      instrument: NIFTY_FUT,
      side: 'BUY',
      quantity: 3750,
      sentAfter: 0,
    });
    expect(found.orders.map((o) => o.brokerOrderId).sort()).toEqual([...sliced.brokerOrderIds].sort());
    expect(found.orders.map((o) => o.quantity).sort((a, b) => a - b)).toEqual([150, 1800, 1800]);
    expect(found.orders.every((o) => o.product === 'NRML')).toBe(true);
  });

  it('funds and quotes: paise and ticks, quotes mapped back by instrument_token, unquoted instruments left out', async () => {
    await setup({}, { stream: { enabled: false } });
    expect(await adapter.funds()).toEqual({ availableCash: 100_000_000n, usedMargin: 0n });
    await adapter.placeOrder(order({ quantity: 10, price: 9_990_000 }));
    expect(await adapter.funds()).toEqual({ availableCash: 100_000_000n - 999_000n, usedMargin: 999_000n });
    const quotes = await adapter.quotes([INFY, { exchange: 'NSE', symbol: 'SBIN' }]);
    expect(quotes).toEqual([expect.objectContaining({ instrument: INFY, ltp: 10_000_000, bid: 10_000_000, ask: 10_000_500 })]);
  });

  it('after hours: the placement goes with is_amo, waits at Upstox, and trades when the market opens', async () => {
    await setup({}, { stream: { enabled: false }, amoAt: () => true });
    const [id] = (await adapter.placeOrder(order({ type: 'MARKET', price: null }))).brokerOrderIds;
    expect(fake.requests.find((r) => r.route === 'place')!.body).toMatchObject({ is_amo: true });
    expect(await adapter.getOrder(id!)).toMatchObject({ status: 'PENDING_SUBMIT', rawStatus: 'after market order req received' });
    fake.openAmoOrders();
    expect(await adapter.getOrder(id!)).toMatchObject({ status: 'FILLED', filledQuantity: 2 });
  });

  it('a read refused with 429 UDAPI10005 is retried after the wait; a placement is not', async () => {
    await setup({}, { stream: { enabled: false }, maxRateWaitMs: 5_000 });
    fake.failNext('orders', 429);
    expect(await adapter.listOrders()).toEqual([]);
    fake.failNext('place', 429);
    await expect(adapter.placeOrder(order())).rejects.toMatchObject({ kind: 'rate_limited', code: 'UDAPI10005' });
    expect(fake.requests.filter((r) => r.route === 'place')).toHaveLength(1);
    expect(fake.orderBook()).toEqual([]);
  });

  it('stream: order updates arrive; a stall and a close each bring a new authorised socket and a reconcile callback', async () => {
    await setup();
    const seen: BrokerOrder[] = [];
    adapter.subscribe((u) => seen.push(u));
    const stream = await connected();
    const [id] = (await adapter.placeOrder(order())).brokerOrderIds;
    await waitFor(() => expect(seen.some((u) => u.brokerOrderId === id && u.status === 'OPEN')).toBe(true));
    expect(reconnects).toEqual([{ attempt: 1, reconnect: false }]);

    fake.stallStream();
    await waitFor(() => expect(stream.connected).toBe(false));
    fake.resumeStream();
    await waitFor(() => expect(reconnects.length).toBe(2));
    expect(reconnects[1]!.reconnect).toBe(true);

    fake.closeStream(1011, 'going away');
    await waitFor(() => expect(reconnects.length).toBe(3));
    expect(fake.streamConnections()).toBe(3);
    // Each socket used its own one-time URL.
    expect(fake.requests.filter((r) => r.route === 'stream_authorize')).toHaveLength(3);

    await adapter.cancelOrder(id!);
    await waitFor(() => expect(seen.filter((u) => u.brokerOrderId === id).at(-1)?.status).toBe('CANCELLED'));
  });

  it('stream: an expired session stops the stream — onAuthLost once, no reconnect loop, later calls not sent', async () => {
    await setup();
    adapter.subscribe(() => undefined);
    await connected();
    fake.expireSession(); // closes the socket; the re-authorisation is refused
    await waitFor(() => expect(authLost).toHaveLength(1));
    expect(authLost[0]).toMatchObject({ kind: 'auth', code: 'UDAPI100050', httpStatus: 401 });
    const authorisations = fake.requests.filter((r) => r.route === 'stream_authorize').length;
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.requests.filter((r) => r.route === 'stream_authorize').length).toBe(authorisations);
    expect(fake.openStreams()).toBe(0);
    const before = fake.requests.length;
    await expect(adapter.listOrders()).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.requests.length).toBe(before);
  });

  it('stream: malformed frames and other update types are reported or ignored, never delivered', async () => {
    await setup();
    const seen: BrokerOrder[] = [];
    adapter.subscribe((u) => seen.push(u));
    await connected();
    fake.sendStreamText('not json');
    fake.sendStreamText(JSON.stringify({ update_type: 'position', instrument_token: INFY_KEY, quantity: 1 }));
    fake.sendStreamText(JSON.stringify({ update_type: 'order', order_id: 'x' }));
    await waitFor(() => expect(problems).toHaveLength(2));
    expect(seen).toEqual([]);
  });
  it('holdings: a delivery buy is a T1 holding once the day rolls, settled a roll later, a sale from it shows as cnc_used; an HTML 200 is INVALID_RESPONSE', async () => {
    await setup();
    expect(await adapter.listHoldings()).toEqual([]);
    await adapter.placeOrder(order({ type: 'MARKET', price: null, quantity: 5 }));
    await waitFor(async () => expect((await adapter.listTrades()).map((t) => t.quantity)).toEqual([5]));
    const paid = (await adapter.listTrades())[0]!.price;

    fake.rollDay();
    expect(await adapter.listOrders()).toEqual([]);
    expect(await adapter.listPositions()).toEqual([]);
    expect(await adapter.listHoldings()).toEqual([
      { instrument: INFY, quantity: 0, t1Quantity: 5, usedQuantity: 0, averagePrice: paid, lastPrice: 10_000_000, pnl: expect.any(BigInt) },
    ]);

    fake.rollDay();
    expect(await adapter.listHoldings()).toMatchObject([{ instrument: INFY, quantity: 5, t1Quantity: 0 }]);
    // Upstox's RMS lets a delivery sell take the holding now.
    const [sold] = (await adapter.placeOrder(order({ side: 'SELL', type: 'MARKET', price: null, quantity: 2 }))).brokerOrderIds;
    await waitFor(async () => expect((await adapter.getOrder(sold!)).status).toBe('FILLED'));
    expect(await adapter.listHoldings()).toMatchObject([{ instrument: INFY, quantity: 5, t1Quantity: 0, usedQuantity: 2 }]);
    expect(await adapter.listPositions()).toMatchObject([{ instrument: INFY, product: 'CNC', netQuantity: -2 }]);

    fake.failNext('holdings', 'html-after-accept');
    await expect(adapter.listHoldings()).rejects.toMatchObject({ code: 'INVALID_RESPONSE', operation: 'read' });
  });
});
