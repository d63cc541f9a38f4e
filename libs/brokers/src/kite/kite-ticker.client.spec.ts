import { InstrumentMap } from '../adapter';
import { KiteTickerClient, kiteReconnectDelayMs, type KiteTickerOptions } from './kite-ticker.client';
import { kiteOrderJson, nextEvent, startWsStub, type WsStub } from './kite-stub.fixture';

/** Waits for a condition, with room for a loaded machine (vitest's default is 1 s). */
const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

const instruments = new InstrumentMap('kite', [
  {
    ref: { exchange: 'NSE', symbol: 'INFY' },
    broker: { exchange: 'NSE', symbol: 'INFY', token: '408065', quantityUnit: 'units', lotSize: 1 },
  },
]);

describe('kiteReconnectDelayMs', () => {
  const backoff = { initialMs: 100, maxMs: 1_000 };
  it('doubles per attempt up to the cap, half fixed and half drawn from the random source', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => kiteReconnectDelayMs(n, backoff, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5].map((n) => kiteReconnectDelayMs(n, backoff, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
    expect(kiteReconnectDelayMs(3, backoff, () => 0.5)).toBe(300);
  });
});

describe('KiteTickerClient', () => {
  let ws: WsStub;
  let client: KiteTickerClient | null = null;
  beforeEach(async () => {
    ws = await startWsStub();
  });
  afterEach(async () => {
    client?.close();
    client = null;
    await ws.close();
  });

  const make = (over: Partial<KiteTickerOptions> = {}): KiteTickerClient => {
    client = new KiteTickerClient({
      apiKey: 'kk',
      accessToken: 'tt',
      wsRoot: ws.url,
      instruments,
      stallMs: 30_000, // the stub sends no heartbeats; only the stall tests set it low
      backoff: { initialMs: 10, maxMs: 40 },
      random: () => 0,
      ...over,
    });
    return client;
  };

  it('connects with api_key and access_token; order text frames become orders; other text frames and heartbeats are ignored', async () => {
    const c = make();
    const connected = nextEvent(c, 'connect');
    c.connect();
    const conn = await ws.connection(1);
    expect(await connected).toEqual({ attempt: 1, reconnect: false });
    const url = new URL(conn.url, 'ws://x');
    expect(url.searchParams.get('api_key')).toBe('kk');
    expect(url.searchParams.get('access_token')).toBe('tt');

    const order = nextEvent<{ brokerOrderId: string; status: string }>(c, 'order');
    const problems: unknown[] = [];
    c.on('problem', (e) => problems.push(e));
    conn.socket.send(Buffer.from([0]), { binary: true });
    conn.socket.send(JSON.stringify({ type: 'message', data: 'hello' }));
    // An order in an instrument we do not map is someone else's: skipped silently.
    conn.socket.send(JSON.stringify({ type: 'order', data: kiteOrderJson({ order_id: '9', tradingsymbol: 'XYZ' }) }));
    conn.socket.send(
      JSON.stringify({
        type: 'order',
        data: kiteOrderJson({ order_id: '7', status: 'COMPLETE', filled_quantity: 10, average_price: 1500.5 }),
      }),
    );
    expect(await order).toMatchObject({ brokerOrderId: '7', status: 'FILLED' });
    expect(problems).toEqual([]);
  });

  it('a text frame that is not JSON is a problem, not a crash', async () => {
    const c = make();
    c.connect();
    const conn = await ws.connection(1);
    const problem = nextEvent(c, 'problem');
    conn.socket.send('not json');
    expect(await problem).toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('binary frames are decoded to ticks (kite-ticks.ts); a frame it cannot read is a problem', async () => {
    const c = make();
    c.connect();
    const conn = await ws.connection(1);
    const ticks = nextEvent<readonly { instrumentToken: number; lastPrice: number; mode: string }[]>(c, 'ticks');
    // One LTP packet: [count=1][length=8][token 408065][last price 150050 paise].
    const frame = Buffer.alloc(2 + 2 + 8);
    frame.writeUInt16BE(1, 0);
    frame.writeUInt16BE(8, 2);
    frame.writeUInt32BE(408065, 4);
    frame.writeInt32BE(150050, 8);
    conn.socket.send(frame, { binary: true });
    expect(await ticks).toEqual([expect.objectContaining({ instrumentToken: 408065, lastPrice: 15_005_000, mode: 'ltp' })]);
    const problem = nextEvent(c, 'problem');
    conn.socket.send(frame.subarray(0, 9), { binary: true });
    expect(await problem).toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('after the server closes: disconnect (close), reconnect with backoff, and every token re-subscribed in its mode', async () => {
    const c = make();
    c.subscribe([408065, 738561], 'full');
    c.subscribe([256265], 'ltp');
    c.connect();
    const first = await ws.connection(1);
    await waitFor(() => expect(first.received.length).toBe(3));
    expect(first.received.map((m) => JSON.parse(m))).toEqual([
      { a: 'subscribe', v: [408065, 738561, 256265] },
      { a: 'mode', v: ['full', [408065, 738561]] },
      { a: 'mode', v: ['ltp', [256265]] },
    ]);

    const disconnected = nextEvent(c, 'disconnect');
    const reconnecting = nextEvent(c, 'reconnect');
    const reconnected = nextEvent(c, 'connect');
    first.socket.close(1011, 'server going away');
    expect(await disconnected).toMatchObject({ reason: 'close', code: 1011 });
    expect(await reconnecting).toEqual({ attempt: 1, delayMs: 5 });
    expect(await reconnected).toEqual({ attempt: 2, reconnect: true });
    const second = await ws.connection(2);
    await waitFor(() => expect(second.received.length).toBe(3));
    expect(second.received).toEqual(first.received);
    expect(c.connectCount).toBe(2);
  });

  it('a socket that goes silent (no heartbeat) is a stall, told apart from a close, and reconnects', async () => {
    const c = make({ stallMs: 80 });
    c.subscribe([408065], 'quote');
    c.connect();
    const first = await ws.connection(1);
    const disconnected = nextEvent<{ reason: string }>(c, 'disconnect');
    // The server keeps the socket open but sends nothing.
    expect(await disconnected).toMatchObject({ reason: 'stall', code: null });
    const second = await ws.connection(2);
    await waitFor(() => expect(second.received.length).toBe(2));
    expect(second.received.map((m) => JSON.parse(m))).toEqual([
      { a: 'subscribe', v: [408065] },
      { a: 'mode', v: ['quote', [408065]] },
    ]);
    expect(first.socket.readyState).not.toBe(1);
  });

  it('every frame, heartbeats included, re-arms the stall timer (timers driven by hand)', async () => {
    const armed: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        const t = { fn, ms, cleared: false };
        armed.push(t);
        return t;
      },
      clearTimeout: (h: unknown) => {
        (h as { cleared: boolean }).cleared = true;
      },
    };
    const c = make({ stallMs: 5_000, timers });
    c.connect();
    const conn = await ws.connection(1);
    await waitFor(() => expect(armed).toHaveLength(1));
    for (let i = 1; i <= 3; i += 1) {
      conn.socket.send(Buffer.from([0]), { binary: true });
      await waitFor(() => expect(armed).toHaveLength(1 + i));
    }
    // Each heartbeat cleared the previous stall timer and armed a fresh 5 s one.
    expect(armed.map((t) => [t.ms, t.cleared])).toEqual([
      [5_000, true],
      [5_000, true],
      [5_000, true],
      [5_000, false],
    ]);
    expect(c.connected).toBe(true);
    // Letting the live one run out is the stall: dropped, and a reconnect scheduled on the same timers.
    const disconnected = nextEvent(c, 'disconnect');
    armed[3]!.fn();
    expect(await disconnected).toMatchObject({ reason: 'stall' });
    expect(armed[4]).toMatchObject({ ms: 5, cleared: false });
    armed[4]!.fn();
    await ws.connection(2);
  });

  it('a 403 at the upgrade is the session: authLost, and no reconnect loop', async () => {
    ws.refuseWith(403);
    const c = make();
    const lost = nextEvent(c, 'authLost');
    const disconnected = nextEvent(c, 'disconnect');
    const reconnects: unknown[] = [];
    c.on('reconnect', (r) => reconnects.push(r));
    c.connect();
    expect(await lost).toEqual({ status: 403 });
    expect(await disconnected).toMatchObject({ reason: 'auth', code: 403 });
    expect(reconnects).toEqual([]);
    expect(ws.connections).toHaveLength(0);
  });

  it('subscriptions made while connected are sent at once; unsubscribe too; close stops reconnecting', async () => {
    const c = make();
    c.connect();
    const conn = await ws.connection(1);
    await waitFor(() => expect(c.connected).toBe(true));
    c.subscribe([5], 'ltp');
    c.unsubscribe([5]);
    await waitFor(() => expect(conn.received.length).toBe(3));
    expect(conn.received.map((m) => JSON.parse(m))).toEqual([
      { a: 'subscribe', v: [5] },
      { a: 'mode', v: ['ltp', [5]] },
      { a: 'unsubscribe', v: [5] },
    ]);
    const reconnects: unknown[] = [];
    c.on('reconnect', (r) => reconnects.push(r));
    c.close();
    expect(c.connected).toBe(false);
    c.connect(); // stays closed
    expect(reconnects).toEqual([]);
    expect(ws.connections).toHaveLength(1);
  });
});
