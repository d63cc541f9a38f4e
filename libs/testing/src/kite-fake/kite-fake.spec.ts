import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BrokerError,
  decodeKiteTickFrame,
  IDENTITY_INSTRUMENTS,
  kiteSessionForm,
  parseKiteEnvelope,
  parseKiteOrder,
  parseKitePlaceResult,
  parseKitePostback,
  parseKiteTickerText,
  verifyKitePostback,
  type KiteTick,
} from '@tradeloop/brokers';
import WebSocket from 'ws';
import { FakeKite, type FakeKiteEndpoints, type FakeKiteRequest } from './kite-fake';

// The fake Kite checked against our production Kite protocol module (libs/brokers/src/kite) and
// the ws client: what it answers must be what the real Kite answers (docs/brokers.md 1, 5). No
// sleeps: every wait is on an event, with a timeout only as a guard.

// Room for a loaded machine (2 cores shared with other suites); every wait below has its own guard.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const T0 = Date.parse('2026-12-07T04:00:00Z'); // 09:30 IST
const context = { instruments: IDENTITY_INSTRUMENTS };

interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: Record<string, unknown>;
}

class Harness {
  readonly clock = { t: T0 };
  kite!: FakeKite;
  ep!: FakeKiteEndpoints;
  token = '';

  async start(options: ConstructorParameters<typeof FakeKite>[0] = {}): Promise<this> {
    this.kite = new FakeKite({ heartbeatMs: null, now: () => this.clock.t, ...options });
    this.ep = await this.kite.start();
    return this;
  }

  /** Logs in through POST /session/token, as an adapter does. */
  async login(): Promise<void> {
    const r = await this.call('POST', '/session/token', {
      form: kiteSessionForm(this.kite.apiKey, this.kite.issueRequestToken(), this.kite.apiSecret),
      auth: false,
    });
    expect(r.status).toBe(200);
    this.token = (r.json.data as { access_token: string }).access_token;
  }

  async call(
    method: string,
    path: string,
    o: { form?: URLSearchParams | Record<string, string>; auth?: boolean; signal?: AbortSignal } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { 'X-Kite-Version': '3' };
    if (o.auth !== false) headers.Authorization = `token ${this.kite.apiKey}:${this.token}`;
    let body: string | undefined;
    if (o.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = (o.form instanceof URLSearchParams ? o.form : new URLSearchParams(o.form)).toString();
    }
    const res = await fetch(this.ep.apiRoot + path, { method, headers, body, signal: o.signal, redirect: 'manual' });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the test looks at text
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
  }

  place(form: Record<string, string>, variety = 'regular'): Promise<Reply> {
    return this.call('POST', `/orders/${variety}`, {
      form: {
        exchange: 'NSE',
        tradingsymbol: 'INFY',
        transaction_type: 'BUY',
        order_type: 'MARKET',
        quantity: '1',
        product: 'CNC',
        ...form,
      },
    });
  }

  async ticker(): Promise<Probe> {
    const ws = new WebSocket(`${this.ep.wsUrl}?api_key=${this.kite.apiKey}&access_token=${this.token}`);
    const probe = new Probe(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return probe;
  }

  /** Sends a ticker message and waits until the fake has handled it. */
  async send(probe: Probe, msg: unknown): Promise<void> {
    const handled = this.kite.waitFor('ticker', (e: { kind: string }) => e.kind === 'message');
    probe.ws.send(JSON.stringify(msg));
    await handled;
  }
}

/** A ticker client that keeps everything it receives and lets a test await a matching frame. */
class Probe {
  readonly frames: (Buffer | string)[] = [];
  closed: { code: number } | null = null;
  private waiters: { match: (f: Buffer | string) => boolean; resolve: (f: Buffer | string) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? (data as Buffer) : data.toString();
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    ws.on('close', (code) => {
      this.closed = { code };
      for (const w of this.closeWaiters) w(code);
    });
    ws.on('error', () => undefined);
  }

  next(match: (f: Buffer | string) => boolean, timeoutMs = 10_000): Promise<Buffer | string> {
    const seen = this.frames.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching ticker frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  closedWith(timeoutMs = 10_000): Promise<number> {
    if (this.closed) return Promise.resolve(this.closed.code);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ticker did not close')), timeoutMs);
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  orderFrames(): Record<string, unknown>[] {
    return this.frames
      .filter((f): f is string => typeof f === 'string')
      .map((f) => JSON.parse(f) as { type: string; data: Record<string, unknown> })
      .filter((f) => f.type === 'order')
      .map((f) => f.data);
  }

  ticks(): KiteTick[] {
    return this.frames
      .filter((f): f is Buffer => typeof f !== 'string' && f.length > 1)
      .flatMap((f) => {
        const r = decodeKiteTickFrame(f);
        if (!r.ok) throw new Error(r.error.message);
        return r.ticks;
      });
  }
}

const isOrderFrame =
  (status: string) =>
  (f: Buffer | string): boolean =>
    typeof f === 'string' && f.startsWith('{"type":"order"') && (JSON.parse(f) as { data: { status: string } }).data.status === status;
const isTicks = (f: Buffer | string): boolean => typeof f !== 'string' && f.length > 1;

let h: Harness;
afterEach(async () => {
  await h?.kite.stop();
});

describe('FakeKite: session', () => {
  beforeEach(async () => {
    h = await new Harness().start();
  });

  it('exchanges a request token with the right checksum once; a replay, a wrong checksum or api_key is refused as Kite does', async () => {
    const requestToken = h.kite.issueRequestToken();
    const good = await h.call('POST', '/session/token', {
      form: kiteSessionForm(h.kite.apiKey, requestToken, h.kite.apiSecret),
      auth: false,
    });
    expect(good.status).toBe(200);
    expect(good.json.status).toBe('success');
    expect(good.json.data).toMatchObject({
      user_id: 'AB1234',
      api_key: h.kite.apiKey,
      login_time: '2026-12-07 09:30:00',
      refresh_token: '',
    });
    expect((good.json.data as { access_token: string }).access_token).toBe(h.kite.currentAccessToken);

    const replay = await h.call('POST', '/session/token', {
      form: kiteSessionForm(h.kite.apiKey, requestToken, h.kite.apiSecret),
      auth: false,
    });
    expect([replay.status, replay.json.error_type]).toEqual([403, 'TokenException']);
    const wrongSecret = await h.call('POST', '/session/token', {
      form: kiteSessionForm(h.kite.apiKey, h.kite.issueRequestToken(), 'not-the-secret'),
      auth: false,
    });
    expect(wrongSecret.json).toEqual({ status: 'error', message: 'Invalid `checksum`.', error_type: 'TokenException', data: null });
    expect(wrongSecret.status).toBe(403);
    const wrongKey = await h.call('POST', '/session/token', {
      form: kiteSessionForm('otherkey', h.kite.issueRequestToken(), h.kite.apiSecret),
      auth: false,
    });
    expect([wrongKey.status, wrongKey.json.error_type]).toEqual([403, 'InputException']);
    const missing = await h.call('POST', '/session/token', { form: { api_key: h.kite.apiKey }, auth: false });
    expect([missing.status, missing.json.error_type]).toEqual([400, 'InputException']);
  });

  it('authenticates every call by `token api_key:access_token`; logout and expiry end the session until a new exchange', async () => {
    await h.login();
    expect((await h.call('GET', '/user/profile')).json.data).toMatchObject({ user_id: 'AB1234', broker: 'ZERODHA' });
    expect((await h.call('GET', '/user/profile', { auth: false })).status).toBe(403);
    const logout = await h.call('DELETE', `/session/token?api_key=${h.kite.apiKey}&access_token=${h.token}`);
    expect(logout.json).toEqual({ status: 'success', data: true });
    const after = await h.call('GET', '/orders');
    expect([after.status, after.json.error_type]).toEqual([403, 'TokenException']);
    await h.login();
    expect((await h.call('GET', '/orders')).status).toBe(200);
    h.kite.expireSession();
    const expired = await h.call('GET', '/orders');
    expect([expired.status, expired.json.error_type]).toEqual([403, 'TokenException']);
    expect(() => parseKiteEnvelope('read', { status: expired.status, body: expired.text })).toThrow(
      expect.objectContaining({ kind: 'auth' }) as unknown as Error,
    );
  });

  it('the login page redirects to the app with a request token and the redirect params', async () => {
    await h.kite.stop();
    h = await new Harness().start({ redirectUrl: 'http://127.0.0.1:9/callback' });
    const page = `/connect/login?v=3&api_key=${h.kite.apiKey}&redirect_params=${encodeURIComponent('state=abc123')}`;
    const location = new URL(await locationOf(h, page));
    expect(location.pathname).toBe('/callback');
    expect(location.searchParams.get('status')).toBe('success');
    expect(location.searchParams.get('state')).toBe('abc123');
    const requestToken = location.searchParams.get('request_token')!;
    const form = kiteSessionForm(h.kite.apiKey, requestToken, h.kite.apiSecret);
    expect((await h.call('POST', '/session/token', { form, auth: false })).status).toBe(200);
    expect(new URL(await locationOf(h, `/connect/login?v=3&api_key=wrong`), 'http://x').pathname).toBe('/');
    expect(h.kite.requests.filter((q: FakeKiteRequest) => q.route === 'login').map((q) => q.outcome)).toEqual([302, 400]);
  });
});

async function locationOf(harness: Harness, path: string): Promise<string> {
  const res = await fetch(harness.ep.apiRoot + path, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.headers.get('location') ?? '';
}

describe('FakeKite: orders through the book', () => {
  beforeEach(async () => {
    h = await new Harness().start();
    await h.login();
  });

  it('a MARKET order fills at the touch: order frames OPEN then COMPLETE, history, trade, position and funds agree', async () => {
    const ticker = await h.ticker();
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000, bid: 14_995_000, ask: 15_005_000 });
    const before = (await h.call('GET', '/user/margins/equity')).json.data as { net: number };
    const r = await h.place({ quantity: '3', tag: 'abc123' });
    expect(r.status).toBe(200);
    const orderId = (r.json.data as { order_id: string }).order_id;
    expect(orderId).toBe('261207000000001');
    expect(parseKitePlaceResult(r.json.data).brokerOrderIds).toEqual([orderId]);

    await ticker.next(isOrderFrame('COMPLETE'));
    expect(ticker.orderFrames().map((o) => o.status)).toEqual(['OPEN', 'COMPLETE']);
    const complete = parseKiteTickerText(ticker.frames.find(isOrderFrame('COMPLETE')) as string, context);
    expect(complete).toMatchObject({
      brokerOrderId: orderId,
      status: 'FILLED',
      filledQuantity: 3,
      averagePrice: 15_005_000,
      tag: 'abc123',
    });

    const history = (await h.call('GET', `/orders/${orderId}`)).json.data as { status: string }[];
    expect(history.map((s) => s.status)).toEqual(['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'OPEN', 'COMPLETE']);
    const book = (await h.call('GET', '/orders')).json.data as Record<string, unknown>[];
    expect(book).toHaveLength(1);
    expect(parseKiteOrder(book[0], context)).toMatchObject({ status: 'FILLED', quantity: 3, rawStatus: 'COMPLETE' });
    expect(book[0]).toMatchObject({
      order_timestamp: '2026-12-07 09:30:00',
      exchange_order_id: '1000000000000001',
      guid: 'fakeguid00000001',
    });

    const trades = (await h.call('GET', `/orders/${orderId}/trades`)).json.data as Record<string, unknown>[];
    expect(trades).toEqual([expect.objectContaining({ order_id: orderId, quantity: 3, average_price: 1500.5, transaction_type: 'BUY' })]);
    expect((await h.call('GET', '/trades')).json.data).toEqual(trades);
    const positions = (await h.call('GET', '/portfolio/positions')).json.data as { net: Record<string, unknown>[]; day: unknown[] };
    expect(positions.net).toEqual([
      expect.objectContaining({ tradingsymbol: 'INFY', quantity: 3, average_price: 1500.5, buy_value: 4501.5 }),
    ]);
    const after = (await h.call('GET', '/user/margins/equity')).json.data as { net: number };
    expect(Math.round((before.net - after.net) * 100)).toBe(450_150); // 3 × 1500.50 rupees, in paise
    ticker.ws.close();
  });

  it('a LIMIT order waits until the market crosses it and fills at the touch; SL-M triggers and fills', async () => {
    h.kite.setQuote('NSE', 'RELIANCE', { ltp: 25_000_000, bid: 24_990_000, ask: 25_010_000 });
    const limit = await h.place({ tradingsymbol: 'RELIANCE', order_type: 'LIMIT', price: '2495', quantity: '2', product: 'MIS' });
    const id = (limit.json.data as { order_id: string }).order_id;
    expect(h.kite.order(id)).toMatchObject({ status: 'OPEN', filled_quantity: 0, pending_quantity: 2 });
    h.kite.setQuote('NSE', 'RELIANCE', { ltp: 24_940_000, bid: 24_930_000, ask: 24_940_000 });
    expect(h.kite.order(id)).toMatchObject({ status: 'COMPLETE', filled_quantity: 2, average_price: 2494 });

    const stop = await h.place({
      tradingsymbol: 'RELIANCE',
      transaction_type: 'SELL',
      order_type: 'SL-M',
      trigger_price: '2480',
      quantity: '2',
      product: 'MIS',
    });
    const stopId = (stop.json.data as { order_id: string }).order_id;
    expect(h.kite.order(stopId)).toMatchObject({ status: 'TRIGGER PENDING' });
    h.kite.setQuote('NSE', 'RELIANCE', { ltp: 24_850_000, bid: 24_840_000, ask: 24_860_000 }); // 2485: above the trigger
    expect(h.kite.order(stopId)).toMatchObject({ status: 'TRIGGER PENDING' });
    h.kite.setQuote('NSE', 'RELIANCE', { ltp: 24_790_000, bid: 24_780_000, ask: 24_800_000 });
    expect(h.kite.order(stopId)).toMatchObject({ status: 'COMPLETE', average_price: 2478 });
    expect(h.kite.orderHistory(stopId).map((s) => s.status)).toContain('OPEN');
    expect(h.kite.positionsJson().net).toEqual([expect.objectContaining({ tradingsymbol: 'RELIANCE', product: 'MIS', quantity: 0 })]);
  });

  it('partial fills: N units per quote update, frames say UPDATE as Kite does, then COMPLETE', async () => {
    await h.kite.stop();
    h = await new Harness().start({ fillPerQuote: 2 });
    await h.login();
    const ticker = await h.ticker();
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_000_000 });
    const id = ((await h.place({ tradingsymbol: 'SBIN', quantity: '5' })).json.data as { order_id: string }).order_id;
    expect(h.kite.order(id)).toMatchObject({ status: 'OPEN', filled_quantity: 2, pending_quantity: 3 });
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_000_500 });
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_001_000 });
    expect(h.kite.order(id)).toMatchObject({ status: 'COMPLETE', filled_quantity: 5, average_price: 800.04 });
    await ticker.next(isOrderFrame('COMPLETE'));
    expect(ticker.orderFrames().map((o) => [o.status, o.filled_quantity])).toEqual([
      ['OPEN', 0],
      ['UPDATE', 2],
      ['UPDATE', 4],
      ['COMPLETE', 5],
    ]);
    expect(h.kite.tradeBook().map((t) => t.quantity)).toEqual([2, 2, 1]);
  });

  it('modify goes through the modify statuses; cancel cancels the rest; a finished order can be neither', async () => {
    const id = ((await h.place({ order_type: 'LIMIT', price: '1400', quantity: '4' })).json.data as { order_id: string }).order_id;
    const modified = await h.call('PUT', `/orders/regular/${id}`, { form: { order_type: 'LIMIT', price: '1410.5', quantity: '6' } });
    expect(modified.json).toEqual({ status: 'success', data: { order_id: id } });
    expect(h.kite.order(id)).toMatchObject({ status: 'OPEN', price: 1410.5, quantity: 6, pending_quantity: 6, modified: true });
    expect(
      h.kite
        .orderHistory(id)
        .map((s) => s.status)
        .slice(-4),
    ).toEqual(['MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'MODIFIED', 'OPEN']);
    const cancelled = await h.call('DELETE', `/orders/regular/${id}`);
    expect(cancelled.json).toEqual({ status: 'success', data: { order_id: id } });
    expect(h.kite.order(id)).toMatchObject({ status: 'CANCELLED', cancelled_quantity: 6, pending_quantity: 0 });
    const again = await h.call('DELETE', `/orders/regular/${id}`);
    expect([again.status, again.json.error_type]).toEqual([400, 'InputException']);
    const late = await h.call('PUT', `/orders/regular/${id}`, { form: { order_type: 'LIMIT', price: '1401' } });
    expect([late.status, late.json.error_type]).toEqual([400, 'InputException']);
    const unknown = await h.call('GET', '/orders/999');
    expect([unknown.status, unknown.json.error_type]).toEqual([400, 'InputException']);
  });

  it('IOC fills what the touch offers and cancels the rest; the RMS can reject; AMO waits for the open', async () => {
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000, ask: 15_000_000, askQty: 2 });
    const ioc = ((await h.place({ quantity: '5', validity: 'IOC' })).json.data as { order_id: string }).order_id;
    expect(h.kite.order(ioc)).toMatchObject({ status: 'CANCELLED', filled_quantity: 2, cancelled_quantity: 3 });
    h.kite.rejectNextOrder('RMS: blocked for the test');
    const rejected = await h.place({});
    expect(rejected.status).toBe(200);
    const rid = (rejected.json.data as { order_id: string }).order_id;
    expect(parseKiteOrder(h.kite.order(rid), context)).toMatchObject({ status: 'REJECTED', rejectReason: 'RMS: blocked for the test' });
    const amo = ((await h.place({}, 'amo')).json.data as { order_id: string }).order_id;
    expect(h.kite.order(amo)).toMatchObject({ status: 'AMO REQ RECEIVED', variety: 'amo' });
    h.kite.openAmoOrders();
    expect(h.kite.order(amo)).toMatchObject({ status: 'COMPLETE' });
  });

  it('validates as Kite does: unknown symbol, long tag, LIMIT without price, lots, tick size, freeze limit', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ tradingsymbol: 'NOPE' }, /tradingsymbol/],
      [{ exchange: 'XYZ' }, /exchange/],
      [{ tag: 'a'.repeat(21) }, /tag/],
      [{ tag: 'has space' }, /tag/],
      [{ order_type: 'LIMIT' }, /price/],
      [{ order_type: 'SL-M' }, /trigger_price/],
      [{ quantity: '0' }, /quantity/],
      [{ quantity: '1.5' }, /quantity/],
      [{ order_type: 'LIMIT', price: '1500.03' }, /Tick size/],
      [{ exchange: 'NFO', tradingsymbol: 'NIFTY26DECFUT', product: 'NRML', quantity: '70' }, /lot size \(75\)/],
      [{ exchange: 'NFO', tradingsymbol: 'NIFTY26DECFUT', product: 'NRML', quantity: '1875' }, /freeze/],
      [{ exchange: 'NFO', tradingsymbol: 'NIFTY26DECFUT', product: 'CNC', quantity: '75' }, /CNC/],
      [{ tradingsymbol: 'NIFTY 50' }, /tradingsymbol/],
      [{ transaction_type: 'HOLD' }, /transaction_type/],
    ];
    for (const [form, message] of cases) {
      const r = await h.place(form);
      expect([r.status, r.json.status, r.json.error_type], JSON.stringify(form)).toEqual([400, 'error', 'InputException']);
      expect(r.json.message, JSON.stringify(form)).toMatch(message);
    }
    const bad = await h.place({}, 'bo');
    expect([bad.status, bad.json.error_type]).toEqual([400, 'InputException']);
    expect(h.kite.ordersPlaced()).toBe(0);
  });

  it('autoslice splits above the freeze quantity into children that name their parent; a slice short of margin fails alone', async () => {
    h.kite.setOpeningBalance('equity', 100_000_000n * 10_000n); // ₹10 crore
    h.kite.setQuote('NFO', 'NIFTY26DECFUT', { ltp: 245_000_000 });
    // 4,050 units = 1800 + 1800 + 450 at ₹24,400: ₹9.88 crore blocked by the open slices, within the balance.
    const r = await h.place({
      exchange: 'NFO',
      tradingsymbol: 'NIFTY26DECFUT',
      product: 'NRML',
      quantity: '4050',
      order_type: 'LIMIT',
      price: '24400',
      autoslice: 'true',
    });
    const data = r.json.data as { order_id: string; children: { order_id: string }[] };
    expect(data.children.map((c) => h.kite.order(c.order_id)?.quantity)).toEqual([1800, 1800, 450]);
    const placed = parseKitePlaceResult(data);
    expect(placed.parentBrokerOrderId).toBe(data.order_id);
    expect(placed.brokerOrderIds).toHaveLength(3);
    for (const c of data.children)
      expect(h.kite.order(c.order_id)).toMatchObject({ parent_order_id: data.order_id, tags: ['autoslice', `autoslice:${data.order_id}`] });
    expect(h.kite.ordersPlaced()).toBe(3);

    // ₹16 crore less ₹9.88 crore blocked leaves ₹6.12 crore: one more 1800-unit slice (₹4.39 crore), not two.
    h.kite.setOpeningBalance('equity', 160_000_000n * 10_000n);
    const partial = await h.place({
      exchange: 'NFO',
      tradingsymbol: 'NIFTY26DECFUT',
      product: 'NRML',
      quantity: '3600',
      order_type: 'LIMIT',
      price: '24400',
      autoslice: 'true',
    });
    const children = (partial.json.data as { children: Record<string, unknown>[] }).children;
    expect(children[0]).toHaveProperty('order_id');
    expect(children[1]).toEqual({
      error: { code: 400, error_type: 'MarginException', message: expect.stringMatching(/^Insufficient funds/) as unknown, data: null },
    });
    const result = parseKitePlaceResult(partial.json.data);
    expect(result.brokerOrderIds).toHaveLength(1);
    expect(result.failedSlices.map((e: BrokerError) => e.code)).toEqual(['MarginException']);
  });

  it('MCX counts lots: 2 lots of a 100-barrel contract move commodity funds by 200 × the price, equity untouched', async () => {
    h.kite.setQuote('MCX', 'CRUDEOIL26DECFUT', { ltp: 60_000_000 }); // ₹6,000
    const margins = async (segment: string): Promise<number> =>
      ((await h.call('GET', `/user/margins/${segment}`)).json.data as { net: number }).net;
    const [commodity, equity] = [await margins('commodity'), await margins('equity')];
    const r = await h.place({ exchange: 'MCX', tradingsymbol: 'CRUDEOIL26DECFUT', product: 'NRML', quantity: '2' });
    expect(r.status).toBe(200);
    expect(h.kite.positionsJson().net).toEqual([
      expect.objectContaining({
        exchange: 'MCX',
        quantity: 2,
        multiplier: 100,
        average_price: 6000,
        value: -1_200_000,
        buy_value: 1_200_000,
      }),
    ]);
    expect(commodity - (await margins('commodity'))).toBe(1_200_000);
    expect(await margins('equity')).toBe(equity);
    const unknown = await h.call('GET', '/mf/orders');
    expect([unknown.status, unknown.json.error_type]).toEqual([404, 'GeneralException']);
  });

  it('"M&M" round-trips through the form, the order book, quotes and the ticker', async () => {
    const ticker = await h.ticker();
    const token = h.kite.instrument('NSE', 'M&M').instrumentToken;
    await h.send(ticker, { a: 'subscribe', v: [token] });
    h.kite.setQuote('NSE', 'M&M', { ltp: 30_000_000, bid: 29_995_000, ask: 30_005_000 });
    const id = ((await h.place({ tradingsymbol: 'M&M' })).json.data as { order_id: string }).order_id;
    expect(h.kite.requests.at(-1)?.form.tradingsymbol).toBe('M&M');
    expect((await h.call('GET', `/orders/${id}`)).json.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ tradingsymbol: 'M&M' })]),
    );
    const quote = (await h.call('GET', `/quote/ltp?i=${encodeURIComponent('NSE:M&M')}&i=NSE:INFY`)).json.data as Record<string, unknown>;
    expect(quote).toEqual({
      'NSE:M&M': { instrument_token: token, last_price: 3000 },
      'NSE:INFY': { instrument_token: 408065, last_price: 0 },
    });
    await ticker.next(isOrderFrame('COMPLETE'));
    expect(ticker.orderFrames().at(-1)).toMatchObject({ tradingsymbol: 'M&M' });
    await ticker.next(isTicks);
    expect(ticker.ticks()[0]).toMatchObject({ instrumentToken: token, lastPrice: 30_000_000, mode: 'quote' });
  });

  it('the instrument dump is Kite’s CSV: tokens, lot and tick sizes, segments, M&M as it is', async () => {
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_500 });
    const all = await h.call('GET', '/instruments');
    expect([all.status, all.contentType]).toEqual([200, 'text/csv']);
    const lines = all.text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
    );
    expect(lines).toContain('408065,1594,INFY,INFOSYS,1500.05,,0.0,0.1,1,EQ,NSE,NSE');
    expect(lines).toContain('519937,2031,M&M,MAHINDRA & MAHINDRA,0.0,,0.0,0.05,1,EQ,NSE,NSE');
    expect(lines).toContain('256265,1001,NIFTY 50,,0.0,,0.0,0.0,0,EQ,INDICES,NSE');
    const nfo = (await h.call('GET', '/instruments/NFO')).text.trimEnd().split('\n');
    expect(nfo.slice(1).map((l) => l.split(',').slice(8).join(','))).toEqual([
      '75,FUT,NFO-FUT,NFO',
      '75,CE,NFO-OPT,NFO',
      '75,PE,NFO-OPT,NFO',
    ]);
  });

  it('quotes: full, OHLC and LTP keyed EXCHANGE:SYMBOL, unknown instruments left out', async () => {
    h.kite.setQuote('NSE', 'INFY', {
      ltp: 15_000_000,
      bid: 14_995_000,
      ask: 15_005_000,
      bidQty: 10,
      askQty: 20,
      volume: 1234,
      close: 14_900_000,
    });
    const q = (await h.call('GET', '/quote?i=NSE:INFY&i=NSE:NOPE')).json.data as Record<string, Record<string, unknown>>;
    expect(Object.keys(q)).toEqual(['NSE:INFY']);
    expect(q['NSE:INFY']).toMatchObject({ last_price: 1500, volume: 1234, net_change: 10, ohlc: { close: 1490 } });
    expect((q['NSE:INFY']!.depth as { buy: unknown[] }).buy[0]).toEqual({ price: 1499.5, quantity: 10, orders: 1 });
    const ohlc = (await h.call('GET', '/quote/ohlc?i=NSE:INFY')).json.data as Record<string, unknown>;
    expect(ohlc['NSE:INFY']).toEqual({
      instrument_token: 408065,
      last_price: 1500,
      ohlc: { open: 1500, high: 1500, low: 1500, close: 1490 },
    });
    expect((await h.call('GET', '/portfolio/holdings')).json.data).toEqual([
      expect.objectContaining({ tradingsymbol: 'INFY', quantity: 10, last_price: 1500 }),
    ]);
    expect((await h.call('GET', '/user/margins')).json.data).toHaveProperty('commodity.available.opening_balance', 10_000_000);
  });
});

describe('FakeKite: response shapes', () => {
  // Field names of Zerodha's kiteconnect-mocks fixtures (orders.json, trades.json, positions.json,
  // holdings.json, margins.json, quote.json, profile.json): the fake must send at least these.
  const FIELDS = {
    order:
      'account_id placed_by order_id exchange_order_id parent_order_id status status_message status_message_raw order_timestamp exchange_update_timestamp exchange_timestamp variety modified exchange tradingsymbol instrument_token order_type transaction_type validity validity_ttl product quantity disclosed_quantity price trigger_price average_price filled_quantity pending_quantity cancelled_quantity market_protection meta tag tags guid',
    trade:
      'trade_id order_id exchange_order_id tradingsymbol exchange instrument_token product average_price quantity transaction_type fill_timestamp order_timestamp exchange_timestamp',
    position:
      'tradingsymbol exchange instrument_token product quantity overnight_quantity multiplier average_price close_price last_price value pnl m2m unrealised realised buy_quantity buy_price buy_value buy_m2m sell_quantity sell_price sell_value sell_m2m day_buy_quantity day_buy_price day_buy_value day_sell_quantity day_sell_price day_sell_value',
    holding:
      'tradingsymbol exchange instrument_token isin product price quantity used_quantity t1_quantity realised_quantity authorised_quantity authorised_date authorisation opening_quantity short_quantity collateral_quantity collateral_type discrepancy average_price last_price close_price pnl day_change day_change_percentage mtf',
    margins: 'enabled net available utilised',
    available: 'adhoc_margin cash opening_balance live_balance collateral intraday_payin',
    utilised:
      'debits exposure m2m_realised m2m_unrealised option_premium payout span holding_sales turnover liquid_collateral stock_collateral delivery',
    quote:
      'instrument_token timestamp last_trade_time last_price last_quantity buy_quantity sell_quantity volume average_price oi oi_day_high oi_day_low net_change lower_circuit_limit upper_circuit_limit ohlc depth',
    profile: 'user_id user_type email user_name user_shortname broker exchanges products order_types avatar_url meta',
  };
  const missing = (fields: string, o: unknown): string[] => fields.split(' ').filter((f) => !(f in (o as object)));

  it('orders, trades, positions, holdings, margins, quotes and the profile carry every field of Zerodha’s mocks', async () => {
    h = await new Harness().start();
    await h.login();
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000 });
    await h.place({});
    const get = async (path: string): Promise<unknown> => (await h.call('GET', path)).json.data;
    expect(missing(FIELDS.order, ((await get('/orders')) as unknown[])[0])).toEqual([]);
    expect(missing(FIELDS.trade, ((await get('/trades')) as unknown[])[0])).toEqual([]);
    expect(missing(FIELDS.position, ((await get('/portfolio/positions')) as { net: unknown[] }).net[0])).toEqual([]);
    expect(missing(FIELDS.holding, ((await get('/portfolio/holdings')) as unknown[])[0])).toEqual([]);
    const equity = (await get('/user/margins/equity')) as { available: unknown; utilised: unknown };
    expect([
      missing(FIELDS.margins, equity),
      missing(FIELDS.available, equity.available),
      missing(FIELDS.utilised, equity.utilised),
    ]).toEqual([[], [], []]);
    expect(missing(FIELDS.quote, ((await get('/quote?i=NSE:INFY')) as Record<string, unknown>)['NSE:INFY'])).toEqual([]);
    expect(missing(FIELDS.profile, await get('/user/profile'))).toEqual([]);
  });
});

describe('FakeKite: scripted HTTP faults', () => {
  beforeEach(async () => {
    h = await new Harness().start();
    await h.login();
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000 });
  });

  it('timeout before accept: no answer and no order; timeout after accept: no answer but the order exists', async () => {
    for (const [fault, orders] of [
      ['timeout-before-accept', 0],
      ['timeout-after-accept', 1],
    ] as const) {
      h.kite.failNext('place', fault);
      const abort = new AbortController();
      const call = h
        .call('POST', '/orders/regular', {
          form: {
            exchange: 'NSE',
            tradingsymbol: 'INFY',
            transaction_type: 'BUY',
            order_type: 'MARKET',
            quantity: '1',
            product: 'CNC',
            tag: 'probe1',
          },
          signal: abort.signal,
        })
        .then(
          () => 'answered',
          (e: Error) => e.name,
        );
      await h.kite.waitFor('fault');
      expect(h.kite.ordersPlaced(), fault).toBe(orders);
      expect(h.kite.requests.at(-1)?.outcome).toBe('hung');
      abort.abort();
      expect(await call).toBe('AbortError');
    }
    // The order placed under the timeout is findable by its tag, as the adapter will look for it.
    expect(h.kite.orderBook().filter((o) => o.tag === 'probe1')).toHaveLength(1);
  });

  it('connection reset before and after accept', async () => {
    h.kite.failNext('place', 'reset');
    h.kite.failNext('place', 'reset-after-accept');
    await expect(h.place({})).rejects.toThrow();
    expect(h.kite.ordersPlaced()).toBe(0);
    await expect(h.place({})).rejects.toThrow();
    expect(h.kite.ordersPlaced()).toBe(1);
    expect(h.kite.requests.map((r) => r.outcome).slice(-2)).toEqual(['reset', 'reset']);
  });

  it('429, 500, 502, 503 with Kite error bodies, in the order scripted; the next call is normal', async () => {
    h.kite.failNext('orders', 429);
    h.kite.failNext('orders', 500);
    h.kite.failNext('orders', 502);
    h.kite.failNext('orders', 503);
    h.kite.failNext('orders', { status: 400, errorType: 'OrderException', message: 'Scripted' });
    const got: [number, unknown, unknown][] = [];
    for (let i = 0; i < 6; i += 1) {
      const r = await h.call('GET', '/orders');
      got.push([r.status, r.json.error_type, r.json.message]);
    }
    expect(got).toEqual([
      [429, 'NetworkException', 'Too many requests'],
      [500, 'GeneralException', 'Something went wrong.'],
      [502, 'NetworkException', 'Gateway error: the OMS could not be reached.'],
      [503, 'GeneralException', 'Service unavailable.'],
      [400, 'OrderException', 'Scripted'],
      [200, undefined, undefined],
    ]);
    const r429 = {
      status: 429,
      body: JSON.stringify({ status: 'error', message: 'Too many requests', error_type: 'NetworkException', data: null }),
    };
    expect(() => parseKiteEnvelope('place', r429)).toThrow(expect.objectContaining({ kind: 'rate_limited' }) as unknown as Error);
  });

  it('a 200 with an HTML body, before or after the order is accepted', async () => {
    h.kite.failNext('place', 'html');
    h.kite.failNext('place', 'html-after-accept');
    const first = await h.place({});
    expect([first.status, first.contentType, first.text.startsWith('<html>')]).toEqual([200, 'text/html', true]);
    expect(h.kite.ordersPlaced()).toBe(0);
    expect(() => parseKiteEnvelope('place', { status: first.status, body: first.text })).toThrow(
      expect.objectContaining({ kind: 'ambiguous', code: 'INVALID_RESPONSE' }) as unknown as Error,
    );
    await h.place({});
    expect(h.kite.ordersPlaced()).toBe(1);
  });

  it('TokenException: the session is gone for every later call until a new session', async () => {
    h.kite.failNext('positions', 'token');
    const r = await h.call('GET', '/portfolio/positions');
    expect([r.status, r.json.error_type]).toEqual([403, 'TokenException']);
    expect((await h.call('GET', '/orders')).status).toBe(403);
    expect((await h.place({})).status).toBe(403);
    await h.login();
    expect((await h.call('GET', '/orders')).status).toBe(200);
  });

  it("'*' faults hit whichever route comes next; latency delays a route", async () => {
    h.kite.failNext('*', 503);
    expect((await h.call('GET', '/trades')).status).toBe(503);
    expect((await h.call('GET', '/trades')).status).toBe(200);
    h.kite.setLatency('holdings', 60);
    const started = performance.now();
    expect((await h.call('GET', '/portfolio/holdings')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('counts requests per window and, when enforcing, refuses the 11th order in a second with 429', async () => {
    await h.kite.stop();
    h = await new Harness().start({ enforceRateLimits: true });
    await h.login();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await h.place({ order_type: 'LIMIT', price: '100' })).status);
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    expect(h.kite.ordersPlaced()).toBe(10);
    expect(h.kite.peakRequestRate('order', 1000)).toBe(11);
    h.clock.t += 1000;
    expect((await h.place({ order_type: 'LIMIT', price: '100' })).status).toBe(200);
    expect(h.kite.requestCount('order', 1000)).toBe(1);
    // quotes: 1 per second
    expect((await h.call('GET', '/quote/ltp?i=NSE:INFY')).status).toBe(200);
    const second = await h.call('GET', '/quote/ltp?i=NSE:INFY');
    expect([second.status, second.json.error_type, second.json.message]).toEqual([429, 'NetworkException', 'Too many requests']);
  });

  it('logs method, path, form, auth header and X-Kite-Version of every request', async () => {
    await h.place({ tag: 'logme' });
    const last = h.kite.requests.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', path: '/orders/regular', route: 'place', kiteVersion: '3', outcome: 200 });
    expect(last.form).toMatchObject({ tag: 'logme', tradingsymbol: 'INFY' });
    expect(last.authorization).toBe(`token ${h.kite.apiKey}:${h.token}`);
  });
});

describe('FakeKite: ticker', () => {
  beforeEach(async () => {
    h = await new Harness().start({ heartbeatMs: 20 });
    await h.login();
  });

  it('refuses a bad access token at the upgrade with 403', async () => {
    const ws = new WebSocket(`${h.ep.wsUrl}?api_key=${h.kite.apiKey}&access_token=wrong`);
    ws.on('error', () => undefined); // terminate() below reports the aborted handshake
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
    ws.terminate();
  });

  it('subscribe (quote by default) and mode full: binary frames our decoder reads; heartbeats are one byte', async () => {
    const ticker = await h.ticker();
    const infy = h.kite.instrument('NSE', 'INFY').instrumentToken;
    const nifty = h.kite.instrument('NSE', 'NIFTY 50').instrumentToken;
    await ticker.next((f) => typeof f !== 'string' && f.length === 1);
    await h.send(ticker, { a: 'subscribe', v: [infy, nifty] });
    expect(h.kite.tickerSubscriptions()).toEqual([
      new Map([
        [infy, 'quote'],
        [nifty, 'quote'],
      ]),
    ]);
    await h.send(ticker, { a: 'mode', v: ['full', [infy]] });
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000, bid: 14_995_000, ask: 15_005_000, bidQty: 7, askQty: 9, volume: 100 });
    h.kite.setQuote('NSE', 'NIFTY 50', { ltp: 243_500_500 });
    await ticker.next(
      (f) =>
        isTicks(f) &&
        decodeKiteTickFrame(f as Buffer).ok &&
        (decodeKiteTickFrame(f as Buffer) as { ticks: KiteTick[] }).ticks[0]?.instrumentToken === nifty,
    );
    const ticks = ticker.ticks();
    expect(ticks[0]).toMatchObject({ mode: 'full', instrumentToken: infy, lastPrice: 15_000_000, quote: { volume: 100 } });
    expect(ticks[0]?.full?.bids[0]).toEqual({ price: 14_995_000, quantity: 7, orders: 1 });
    expect(ticks[0]?.full?.offers[0]).toEqual({ price: 15_005_000, quantity: 9, orders: 1 });
    expect(ticks[1]).toMatchObject({ mode: 'quote', isIndex: true, tradable: false, lastPrice: 243_500_500 });
    await h.send(ticker, { a: 'unsubscribe', v: [nifty] });
    expect(h.kite.tickerSubscriptions()).toEqual([new Map([[infy, 'full']])]);
    ticker.ws.send(JSON.stringify({ a: 'dance' }));
    const error = await ticker.next((f) => typeof f === 'string' && f.includes('"type":"error"'));
    expect(JSON.parse(error as string)).toEqual({ type: 'error', data: 'Invalid message: unknown action dance' });
    h.kite.sendTickerText('message', 'hello from the fake');
    await ticker.next((f) => typeof f === 'string' && f.includes('"type":"message"'));
    ticker.ws.close();
  });

  it('subscribing sends the current state at once', async () => {
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_000_000 });
    const ticker = await h.ticker();
    await h.send(ticker, { a: 'mode', v: ['ltp', [h.kite.instrument('NSE', 'SBIN').instrumentToken]] });
    await ticker.next(isTicks);
    expect(ticker.ticks()).toEqual([expect.objectContaining({ mode: 'ltp', lastPrice: 8_000_000 })]);
  });

  it('a stalled ticker stays open and sends nothing, not even heartbeats, until resumed', async () => {
    await h.kite.stop();
    h = await new Harness().start({ heartbeatMs: null });
    await h.login();
    const ticker = await h.ticker();
    const sbin = h.kite.instrument('NSE', 'SBIN').instrumentToken;
    await h.send(ticker, { a: 'mode', v: ['ltp', [sbin]] });
    h.kite.stallTicker();
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_000_000 });
    h.kite.setHeartbeat(5);
    h.kite.resumeTicker();
    h.kite.setQuote('NSE', 'SBIN', { ltp: 8_100_000 });
    await ticker.next(isTicks);
    // Frames keep their order on one socket: had the stalled tick been sent, it would come first.
    expect(ticker.ticks()[0]?.lastPrice).toBe(8_100_000);
    expect(ticker.closed).toBeNull();
    // Pings go unanswered while stalled and are answered after: the pong that comes is the later one.
    const pongs: string[] = [];
    const pong = new Promise<void>((resolve) => ticker.ws.on('pong', (d) => (pongs.push(d.toString()), resolve())));
    h.kite.stallTicker();
    ticker.ws.ping('while-stalled');
    await h.kite.waitFor('ticker-ping', (d: string) => d === 'while-stalled');
    h.kite.resumeTicker();
    ticker.ws.ping('after');
    await pong;
    expect(pongs).toEqual(['after']);
    await ticker.next((f) => typeof f !== 'string' && f.length === 1);
  });

  it('closeTicker closes with the code given; 1006 drops the connection; an expired session closes it and refuses reconnection', async () => {
    const a = await h.ticker();
    h.kite.closeTicker(4000, 'bye');
    expect(await a.closedWith()).toBe(4000);
    const b = await h.ticker();
    h.kite.closeTicker(1006);
    expect(await b.closedWith()).toBe(1006);
    const c = await h.ticker();
    h.kite.expireSession();
    expect(await c.closedWith()).toBe(1000);
    await expect(h.ticker()).rejects.toThrow(/403/);
  });

  it('order frames: dropped, duplicated, reordered on demand', async () => {
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000 });
    const ticker = await h.ticker();
    h.kite.dropNextOrderFrames(1);
    await h.place({ tag: 'drop' });
    await ticker.next(isOrderFrame('COMPLETE'));
    expect(ticker.orderFrames().map((o) => o.status)).toEqual(['COMPLETE']);

    h.kite.duplicateOrderFrames(true);
    await h.place({ tag: 'dup' });
    await ticker.next(() => ticker.frames.filter((x) => typeof x === 'string' && x.includes('"tag":"dup"')).length === 4);
    expect(
      ticker
        .orderFrames()
        .filter((o) => o.tag === 'dup')
        .map((o) => o.status),
    ).toEqual(['OPEN', 'OPEN', 'COMPLETE', 'COMPLETE']);
    h.kite.duplicateOrderFrames(false);

    h.kite.reorderOrderFrames(true);
    await h.place({ tag: 'swap' });
    await ticker.next((f) => isOrderFrame('OPEN')(f) && f.includes('"swap"'));
    expect(
      ticker
        .orderFrames()
        .filter((o) => o.tag === 'swap')
        .map((o) => o.status),
    ).toEqual(['COMPLETE', 'OPEN']);
    expect(h.kite.orderFramesSent).toHaveLength(7);
  });

  it('feeds N ticks per second to subscribed connections, all decodable', async () => {
    const ticker = await h.ticker();
    const tokens = h.kite
      .instruments()
      .filter((i) => i.tradable)
      .map((i) => i.instrumentToken);
    await h.send(ticker, { a: 'mode', v: ['full', tokens] });
    const feed = h.kite.feedTicks({ ticksPerSecond: 5000 });
    let count = 0;
    await ticker.next((f) => {
      if (isTicks(f)) count += (decodeKiteTickFrame(f as Buffer) as { ticks: unknown[] }).ticks.length;
      return count >= 200;
    });
    const sent = feed.stop();
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(ticker.ticks().every((t) => t.mode === 'full' && tokens.includes(t.instrumentToken))).toBe(true);
  });
});

describe('FakeKite: postbacks', () => {
  let receiver: Server;
  const bodies: string[] = [];
  beforeEach(async () => {
    bodies.length = 0;
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kite/postback`;
    h = await new Harness().start({ postbackUrl: url, fillPerQuote: 1 });
    await h.login();
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('posts UPDATE for a partial fill and COMPLETE at the end, with the checksum our verifier accepts', async () => {
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000 });
    await h.place({ quantity: '2', tag: 'pb1' });
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_001_000 });
    await h.kite.postbacksSettled();
    expect(h.kite.postbacks.map((p) => [p.body.status, p.result])).toEqual([
      ['UPDATE', 200],
      ['COMPLETE', 200],
    ]);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(verifyKitePostback(JSON.parse(body), h.kite.apiSecret)).toBe(true);
      expect(verifyKitePostback(JSON.parse(body), 'another-secret')).toBe(false);
    }
    expect(parseKitePostback(bodies[1]!, h.kite.apiSecret, context)).toMatchObject({ status: 'FILLED', filledQuantity: 2, tag: 'pb1' });
    expect(JSON.parse(bodies[0]!)).toMatchObject({ user_id: 'AB1234', unfilled_quantity: 1, filled_quantity: 1 });
  });

  it('posts CANCELLED and REJECTED, and nothing for the order’s OPEN', async () => {
    const id = ((await h.place({ order_type: 'LIMIT', price: '100' })).json.data as { order_id: string }).order_id;
    await h.call('DELETE', `/orders/regular/${id}`);
    h.kite.rejectNextOrder();
    await h.place({});
    await h.kite.postbacksSettled();
    expect(h.kite.postbacks.map((p) => p.body.status)).toEqual(['CANCELLED', 'REJECTED']);
  });
});

describe('FakeKite: determinism', () => {
  it('ids come from counters and the injected clock, so two runs of the same script agree', async () => {
    const run = async (): Promise<unknown> => {
      h = await new Harness().start();
      await h.login();
      h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000 });
      await h.place({});
      await h.place({ order_type: 'LIMIT', price: '1400' });
      const book = h.kite.orderBook();
      const trades = h.kite.tradeBook();
      await h.kite.stop();
      return { book, trades };
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect((first as { book: { order_id: string }[] }).book.map((o) => o.order_id)).toEqual(['261207000000001', '261207000000002']);
    h = await new Harness().start();
  });
});

describe('FakeKite: rolling the day', () => {
  it('CNC positions become T1 holdings (opening_quantity = quantity + t1_quantity), settle a roll later; a sale shows as used_quantity and a negative CNC day position', async () => {
    h = await new Harness().start();
    await h.login();
    h.kite.setHoldings([]);
    h.kite.setQuote('NSE', 'INFY', { ltp: 15_000_000, bid: 15_000_000, ask: 15_000_000 });
    expect((await h.place({ quantity: '4' })).status).toBe(200);
    h.kite.rollDay();
    const get = async (path: string): Promise<unknown> => (await h.call('GET', path)).json.data;
    expect(await get('/orders')).toEqual([]);
    expect(await get('/trades')).toEqual([]);
    expect(await get('/portfolio/positions')).toEqual({ net: [], day: [] });
    expect(await get('/portfolio/holdings')).toEqual([
      expect.objectContaining({
        tradingsymbol: 'INFY',
        product: 'CNC',
        quantity: 0,
        t1_quantity: 4,
        realised_quantity: 0,
        opening_quantity: 4,
        used_quantity: 0,
        average_price: 1500,
      }),
    ]);
    expect(h.kite.holdingsNow()).toEqual([expect.objectContaining({ tradingsymbol: 'INFY', quantity: 0, t1Quantity: 4 })]);

    h.kite.rollDay();
    expect((await h.place({ transaction_type: 'SELL', quantity: '1' })).status).toBe(200);
    expect(await get('/portfolio/holdings')).toEqual([
      expect.objectContaining({ tradingsymbol: 'INFY', quantity: 4, t1_quantity: 0, opening_quantity: 4, used_quantity: 1 }),
    ]);
    expect((await get('/portfolio/positions')) as { net: unknown[] }).toMatchObject({
      net: [{ tradingsymbol: 'INFY', product: 'CNC', quantity: -1, overnight_quantity: 0, day_sell_quantity: 1 }],
    });
    h.kite.rollDay();
    expect(h.kite.holdingsNow()).toEqual([expect.objectContaining({ tradingsymbol: 'INFY', quantity: 3, t1Quantity: 0 })]);
  });
});
