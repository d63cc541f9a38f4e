import { BrokerError } from '../adapter';
import type { BrokerInstrument } from '../adapter/instrument.mapper';
import { KiteGttClient, kiteExitOco, kiteGttForm, kiteGttPlacedOrder, parseKiteGtt, type KiteGttSpec } from './kite-gtt';
import { KiteHttpClient } from './kite-http';
import { failure, startHttpStub, success, type HttpStub } from './kite-stub.fixture';

const SBIN: BrokerInstrument = { exchange: 'NSE', symbol: 'SBIN', quantityUnit: 'units', lotSize: 1 };
const GOLDM: BrokerInstrument = { exchange: 'MCX', symbol: 'GOLDM26JANFUT', quantityUnit: 'lots', lotSize: 10 };

// kiteconnect-mocks gtt_get_order.json (a two-leg trigger whose second leg fired and whose order failed).
const MOCK_TRIGGERED = {
  id: 123,
  user_id: 'XX0000',
  parent_trigger: null,
  type: 'two-leg',
  created_at: '2019-09-09 15:13:22',
  updated_at: '2019-09-09 15:15:08',
  expires_at: '2020-01-01 12:00:00',
  status: 'triggered',
  condition: { exchange: 'NSE', last_price: 102.6, tradingsymbol: 'RAIN', trigger_values: [102.0, 103.7], instrument_token: 3926273 },
  orders: [
    {
      exchange: 'NSE',
      tradingsymbol: 'RAIN',
      product: 'CNC',
      order_type: 'LIMIT',
      transaction_type: 'SELL',
      quantity: 1,
      price: 1,
      result: null,
    },
    {
      exchange: 'NSE',
      tradingsymbol: 'RAIN',
      product: 'CNC',
      order_type: 'LIMIT',
      transaction_type: 'SELL',
      quantity: 1,
      price: 1,
      result: {
        account_id: 'XX0000',
        exchange: 'NSE',
        tradingsymbol: 'RAIN',
        validity: 'DAY',
        product: 'CNC',
        order_type: 'LIMIT',
        transaction_type: 'SELL',
        quantity: 1,
        price: 1,
        meta: '{"app_id":12617,"gtt":105099}',
        timestamp: '2019-09-09 15:15:08',
        triggered_at: 103.7,
        order_result: {
          status: 'failed',
          order_id: '',
          rejection_reason: 'Your order price is lower than the current lower circuit limit of 70.65.',
        },
      },
    },
  ],
  meta: null,
};

const oco: KiteGttSpec = kiteExitOco({
  instrument: SBIN,
  position: 'long',
  quantity: 5,
  product: 'CNC',
  lastPrice: 4_000_000, // ₹400
  stopLoss: { trigger: 3_500_000, price: 3_495_000 },
  target: { trigger: 4_500_500, price: 4_490_000 },
});

async function caught(p: Promise<unknown> | (() => unknown)): Promise<BrokerError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

describe('kiteGttForm / kiteExitOco', () => {
  it('a long exit OCO: the stop is the lower leg, the target the upper, both SELL LIMIT orders for the whole quantity', () => {
    const form = kiteGttForm('place', oco);
    expect(form.get('type')).toBe('two-leg');
    expect(JSON.parse(form.get('condition')!)).toEqual({
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      trigger_values: [350, 450.05],
      last_price: 400,
    });
    expect(JSON.parse(form.get('orders')!)).toEqual([
      { exchange: 'NSE', tradingsymbol: 'SBIN', transaction_type: 'SELL', quantity: 5, order_type: 'LIMIT', product: 'CNC', price: 349.5 },
      { exchange: 'NSE', tradingsymbol: 'SBIN', transaction_type: 'SELL', quantity: 5, order_type: 'LIMIT', product: 'CNC', price: 449 },
    ]);
    // The literal text: exact decimals, no float noise.
    expect(form.get('condition')).toContain('"trigger_values":[350,450.05]');
  });

  it('a short exit OCO: BUY orders, the target below and the stop above', () => {
    const spec = kiteExitOco({
      instrument: SBIN,
      position: 'short',
      quantity: 2,
      product: 'MIS',
      lastPrice: 4_000_000,
      stopLoss: { trigger: 4_200_000, price: 4_210_000 },
      target: { trigger: 3_800_000, price: 3_810_000 },
    });
    expect(spec.triggers).toEqual([3_800_000, 4_200_000]);
    expect(spec.orders.map((o) => [o.side, o.price])).toEqual([
      ['BUY', 3_810_000],
      ['BUY', 4_210_000],
    ]);
  });

  it('MCX quantities go in lots; a quantity that is not whole lots is refused', async () => {
    const spec: KiteGttSpec = { ...oco, instrument: GOLDM, orders: oco.orders.map((o) => ({ ...o, quantity: 20 })) };
    expect(JSON.parse(kiteGttForm('place', spec).get('orders')!)[0].quantity).toBe(2);
    const bad: KiteGttSpec = { ...spec, orders: spec.orders.map((o) => ({ ...o, quantity: 15 })) };
    expect(await caught(() => kiteGttForm('place', bad))).toMatchObject({ kind: 'final', code: 'QUANTITY_NOT_IN_LOTS' });
  });

  it('refuses what Kite would refuse, before sending', async () => {
    const cases: [KiteGttSpec, string][] = [
      [{ ...oco, triggers: [3_500_000] }, 'INVALID_GTT'],
      [{ ...oco, type: 'single' }, 'INVALID_GTT'],
      [{ ...oco, triggers: [4_100_000, 4_500_000] }, 'INVALID_GTT'], // both above the last price
      [{ ...oco, triggers: [3_500_000, 4_000_000] }, 'INVALID_GTT'], // upper at the last price
      [{ ...oco, lastPrice: 0 }, 'INVALID_PRICE'],
      [{ ...oco, orders: [oco.orders[0]!, { ...oco.orders[1]!, quantity: 0 }] }, 'INVALID_QUANTITY'],
      [{ ...oco, orders: [oco.orders[0]!, { ...oco.orders[1]!, price: 1.5 }] }, 'INVALID_PRICE'],
      [{ ...oco, instrument: { ...SBIN, exchange: 'NASDAQ' } }, 'EXCHANGE_NOT_SUPPORTED'],
      [{ type: 'single', instrument: SBIN, lastPrice: 4_000_000, triggers: [4_000_000], orders: [oco.orders[0]!] }, 'INVALID_GTT'],
    ];
    for (const [spec, code] of cases) expect(await caught(() => kiteGttForm('place', spec))).toMatchObject({ kind: 'final', code });
  });
});

describe('parseKiteGtt', () => {
  it('reads the mock trigger: values in ticks, the fired leg result, a failed placement has no order id', () => {
    const gtt = parseKiteGtt(MOCK_TRIGGERED);
    expect(gtt).toMatchObject({
      id: '123',
      type: 'two-leg',
      status: 'triggered',
      exchange: 'NSE',
      tradingsymbol: 'RAIN',
      triggerValues: [1_020_000, 1_037_000],
      lastPrice: 1_026_000,
      expiresAt: '2020-01-01 12:00:00',
    });
    expect(gtt.orders[0]!.result).toBeNull();
    expect(gtt.orders[1]!.result).toMatchObject({ status: 'failed', orderId: null, triggeredAt: 1_037_000 });
    expect(kiteGttPlacedOrder(gtt)).toBeNull();
    const placed = structuredClone(MOCK_TRIGGERED);
    placed.orders[1]!.result!.order_result = { status: 'success', order_id: '220303000308932', rejection_reason: '' };
    expect(kiteGttPlacedOrder(parseKiteGtt(placed))).toEqual({ index: 1, orderId: '220303000308932' });
  });

  it('an unreadable trigger is INVALID_RESPONSE (retryable: it is a read)', async () => {
    for (const raw of [
      null,
      { ...MOCK_TRIGGERED, id: undefined },
      { ...MOCK_TRIGGERED, type: 'three-leg' },
      { ...MOCK_TRIGGERED, condition: {} },
    ])
      expect(await caught(() => parseKiteGtt(raw))).toMatchObject({ kind: 'retryable', code: 'INVALID_RESPONSE' });
  });
});

describe('KiteGttClient', () => {
  let stub: HttpStub;
  let gtt: KiteGttClient;
  beforeEach(async () => {
    stub = await startHttpStub();
    gtt = new KiteGttClient(new KiteHttpClient({ apiKey: 'kk', accessToken: 'tt', apiRoot: stub.url, timeoutMs: 2_000 }));
  });
  afterEach(async () => {
    await stub.close();
  });

  it('place POSTs the form to /gtt/triggers; modify PUTs and delete DELETEs /gtt/triggers/:id; each answers the trigger id', async () => {
    stub.handle((_req, res) => success(res, { trigger_id: 123 }));
    expect(await gtt.place(oco)).toBe('123');
    expect(await gtt.modify('123', oco)).toBe('123');
    expect(await gtt.delete('123')).toBe('123');
    const [post, put, del] = stub.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/gtt/triggers' });
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(post!.body).get('type')).toBe('two-leg');
    expect(JSON.parse(new URLSearchParams(post!.body).get('condition')!).trigger_values).toEqual([350, 450.05]);
    expect(put).toMatchObject({ method: 'PUT', path: '/gtt/triggers/123' });
    expect(new URLSearchParams(put!.body).get('orders')).toBe(new URLSearchParams(post!.body).get('orders'));
    expect(del).toMatchObject({ method: 'DELETE', path: '/gtt/triggers/123', body: '' });
  });

  it('get and list read triggers', async () => {
    stub.handle((req, res) => success(res, req.path === '/gtt/triggers' ? [MOCK_TRIGGERED] : MOCK_TRIGGERED));
    expect((await gtt.get('123')).status).toBe('triggered');
    expect((await gtt.list()).map((t) => t.id)).toEqual(['123']);
  });

  it('errors are the Kite client kinds: InputException final, TokenException auth, a 5xx after a place ambiguous, after a delete ambiguous, after a read retryable', async () => {
    stub.handle((req, res) => {
      if (req.method === 'POST') failure(res, 400, 'InputException', 'Invalid trigger data');
      else if (req.method === 'PUT') failure(res, 403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
      else failure(res, 503, 'NetworkException', 'Gateway timed out');
    });
    expect(await caught(gtt.place(oco))).toMatchObject({ kind: 'final', code: 'InputException', operation: 'place' });
    expect(await caught(gtt.modify('1', oco))).toMatchObject({ kind: 'auth', operation: 'modify' });
    expect(await caught(gtt.delete('1'))).toMatchObject({ kind: 'ambiguous', operation: 'cancel' });
    expect(await caught(gtt.get('1'))).toMatchObject({ kind: 'retryable', operation: 'read' });
  });

  it('a reply without a trigger id is INVALID_RESPONSE (ambiguous after a place); a bad id is refused unsent', async () => {
    stub.handle((_req, res) => success(res, {}));
    expect(await caught(gtt.place(oco))).toMatchObject({ kind: 'ambiguous', code: 'INVALID_RESPONSE' });
    const sent = stub.requests.length;
    expect(await caught(gtt.delete('../orders'))).toMatchObject({ kind: 'final', code: 'INVALID_TRIGGER_ID' });
    expect(stub.requests.length).toBe(sent);
  });
});
