import { KITE_POSTBACK } from './kite.fixture';
import { isTerminalReport } from '../adapter/status.mapper';
import { BrokerError } from '../adapter/broker.errors';
import { InstrumentMap } from '../adapter/instrument.mapper';
import {
  kiteErrorKind,
  parseKiteEnvelope,
  parseKiteHoldings,
  parseKiteOrder,
  parseKiteOrderBook,
  parseKitePlaceResult,
  parseKitePostback,
  parseKiteTickerText,
  parseKiteTimestamp,
  type KiteHttpResponse,
} from './kite-responses';

const instruments = new InstrumentMap('kite', [
  {
    ref: { exchange: 'NSE', symbol: 'INFY' },
    broker: { exchange: 'NSE', symbol: 'INFY', token: '408065', quantityUnit: 'units', lotSize: 1 },
  },
  {
    ref: { exchange: 'NSE', symbol: 'SBIN' },
    broker: { exchange: 'NSE', symbol: 'SBIN', token: '779521', quantityUnit: 'units', lotSize: 1 },
  },
  {
    ref: { exchange: 'NFO', symbol: 'NIFTY24NOVFUT' },
    broker: { exchange: 'NFO', symbol: 'NIFTY24NOVFUT', token: '13238786', quantityUnit: 'units', lotSize: 25 },
  },
]);
const context = { instruments };

const caught = (fn: () => unknown): BrokerError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
};
const respond = (status: number, body: unknown, retryAfter?: string): KiteHttpResponse => ({
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  retryAfter: retryAfter ?? null,
});
const kiteErr = (errorType: string, message: string) => ({ status: 'error', message, data: null, error_type: errorType });

// Shaped after kiteconnect-mocks orders.json (one item of `data`).
const openOrder = {
  placed_by: 'XXXXXX',
  order_id: '100000000000000',
  exchange_order_id: '200000000000000',
  parent_order_id: null,
  status: 'OPEN',
  status_message: null,
  status_message_raw: null,
  order_timestamp: '2021-05-31 09:18:57',
  exchange_update_timestamp: '2021-05-31 09:19:02',
  exchange_timestamp: '2021-05-31 09:18:58',
  variety: 'regular',
  modified: false,
  exchange: 'NSE',
  tradingsymbol: 'INFY',
  instrument_token: 408065,
  order_type: 'LIMIT',
  transaction_type: 'BUY',
  validity: 'DAY',
  validity_ttl: 0,
  product: 'CNC',
  quantity: 10,
  disclosed_quantity: 0,
  price: 1532.55,
  trigger_price: 0,
  average_price: 0,
  filled_quantity: 0,
  pending_quantity: 10,
  cancelled_quantity: 0,
  market_protection: 0,
  meta: {},
  tag: 'ord123',
  tags: ['ord123'],
  guid: 'XXXXX',
};

describe('Kite envelope', () => {
  it('returns data of a success envelope', () => {
    expect(parseKiteEnvelope('place', respond(200, { status: 'success', data: { order_id: '151220000000000' } }))).toEqual({
      order_id: '151220000000000',
    });
    expect(parseKiteEnvelope('read', respond(200, { status: 'success', data: [] }))).toEqual([]);
  });

  it('403 TokenException is the session: auth, with the message kept', () => {
    const e = caught(() => parseKiteEnvelope('read', respond(403, kiteErr('TokenException', 'Incorrect `api_key` or `access_token`.'))));
    expect([e.kind, e.code, e.httpStatus, e.brokerMessage]).toEqual([
      'auth',
      'TokenException',
      403,
      'Incorrect `api_key` or `access_token`.',
    ]);
    expect(e.broker).toBe('kite');
    // The error type decides, not only the status: a TokenException is the session at any status.
    expect(kiteErrorKind('read', 400, 'TokenException')).toBe('auth');
    expect(kiteErrorKind('place', 500, 'TokenException')).toBe('auth');
  });

  it('403 PermissionException is not the session: final', () => {
    expect(caught(() => parseKiteEnvelope('place', respond(403, kiteErr('PermissionException', 'Insufficient permission')))).kind).toBe(
      'final',
    );
  });

  it('refusals (Input, Order, Margin, Holding) are final', () => {
    for (const t of ['InputException', 'OrderException', 'MarginException', 'HoldingException']) {
      const e = caught(() => parseKiteEnvelope('place', respond(400, kiteErr(t, 'refused'))));
      expect([e.kind, e.code, e.operation]).toEqual(['final', t, 'place']);
    }
  });

  it('429 is rate limited (default wait, or Retry-After), whatever the error type', () => {
    const e = caught(() => parseKiteEnvelope('place', respond(429, kiteErr('NetworkException', 'Too many requests'))));
    expect([e.kind, e.retryAfterMs]).toEqual(['rate_limited', 1000]);
    expect(caught(() => parseKiteEnvelope('read', respond(429, 'Too Many Requests', '2'))).retryAfterMs).toBe(2000);
  });

  it('5xx and NetworkException after a write are ambiguous; after a read, retryable', () => {
    const network = respond(502, kiteErr('NetworkException', 'Gateway timed out'));
    expect(caught(() => parseKiteEnvelope('place', network)).kind).toBe('ambiguous');
    expect(caught(() => parseKiteEnvelope('cancel', network)).kind).toBe('ambiguous');
    expect(caught(() => parseKiteEnvelope('read', network)).kind).toBe('retryable');
    // A 5xx with a refusal type still leaves the outcome unknown.
    expect(caught(() => parseKiteEnvelope('place', respond(500, kiteErr('OrderException', 'error')))).kind).toBe('ambiguous');
    // A proxy's HTML page goes by the status alone.
    const html = caught(() => parseKiteEnvelope('modify', respond(503, '<html>Service Unavailable</html>')));
    expect([html.kind, html.code, html.httpStatus]).toEqual(['ambiguous', 'HTTP_503', 503]);
    expect(kiteErrorKind('place', 400, 'NetworkException')).toBe('ambiguous');
    expect(kiteErrorKind('read', 400, 'DataException')).toBe('retryable');
  });

  it('a 200 whose body is not JSON or not the envelope is an invalid response', () => {
    const place = caught(() => parseKiteEnvelope('place', respond(200, '<html>ok</html>')));
    expect([place.kind, place.code, place.httpStatus]).toEqual(['ambiguous', 'INVALID_RESPONSE', 200]);
    expect(caught(() => parseKiteEnvelope('read', respond(200, ''))).kind).toBe('retryable');
    expect(caught(() => parseKiteEnvelope('place', respond(200, { order_id: '1' }))).code).toBe('INVALID_RESPONSE');
    expect(caught(() => parseKiteEnvelope('place', respond(200, { status: 'success' }))).code).toBe('INVALID_RESPONSE');
  });

  it('an error status with a success body, or a bare 404, is not success', () => {
    expect(caught(() => parseKiteEnvelope('read', respond(404, { status: 'success', data: {} }))).kind).toBe('final');
    expect(caught(() => parseKiteEnvelope('cancel', respond(404, 'Not Found'))).code).toBe('HTTP_404');
  });
});

describe('Kite placement result', () => {
  it('a plain placement has one id', () => {
    expect(parseKitePlaceResult({ order_id: '151220000000000' })).toEqual({
      brokerOrderIds: ['151220000000000'],
      failedSlices: [],
      parentBrokerOrderId: null,
    });
  });

  it('an autoslice placement lists its children, failed ones as BrokerErrors', () => {
    // Shaped after kiteconnect-mocks autoslice_response.json.
    const data = {
      order_id: '240517000000001',
      children: [
        { order_id: '240517000000001' },
        { order_id: '240517000000002' },
        {
          error: {
            code: 400,
            error_type: 'MarginException',
            message: 'Insufficient funds. Required margin is 95417.84 but available margin is 74251.80.',
            data: null,
          },
        },
      ],
    };
    const result = parseKitePlaceResult(data);
    expect(result.brokerOrderIds).toEqual(['240517000000001', '240517000000002']);
    expect(result.parentBrokerOrderId).toBe('240517000000001');
    expect(result.failedSlices).toHaveLength(1);
    const [failed] = result.failedSlices;
    expect([failed?.kind, failed?.code, failed?.operation, failed?.httpStatus]).toEqual(['final', 'MarginException', 'place', 400]);
    expect(failed?.brokerMessage).toContain('Insufficient funds');
  });

  it('every slice refused: the first refusal is thrown', () => {
    const data = { order_id: '1', children: [{ error: { code: 400, error_type: 'InputException', message: 'bad', data: null } }] };
    expect(caught(() => parseKitePlaceResult(data)).code).toBe('InputException');
  });

  it('a result without an order id or with a malformed child is invalid (ambiguous: the order may exist)', () => {
    for (const data of [null, {}, { order_id: '' }, { order_id: '1', children: {} }, { order_id: '1', children: [{}] }]) {
      const e = caught(() => parseKitePlaceResult(data));
      expect([e.kind, e.code]).toEqual(['ambiguous', 'INVALID_RESPONSE']);
    }
  });
});

describe('Kite timestamps', () => {
  it('reads IST without a zone', () => {
    expect(parseKiteTimestamp('2022-03-03 09:24:25')).toBe(Date.parse('2022-03-03T09:24:25+05:30'));
    expect(parseKiteTimestamp('2022-03-03T09:24:25')).toBe(Date.parse('2022-03-03T03:54:25Z'));
  });

  it('refuses other forms and impossible dates', () => {
    for (const v of ['2022-02-30 09:00:00', '2022-03-03', '03-Mar-2022 09:24:25', '2022-03-03 25:00:00', null, 0]) {
      expect(parseKiteTimestamp(v)).toBeNull();
    }
  });
});

describe('Kite order objects', () => {
  it('reads an open order: ids, instrument, terms, prices in ticks, times', () => {
    const o = parseKiteOrder(openOrder, context);
    expect(o).toEqual({
      brokerOrderId: '100000000000000',
      parentBrokerOrderId: null,
      tag: 'ord123',
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      side: 'BUY',
      type: 'LIMIT',
      product: 'CNC',
      validity: 'DAY',
      quantity: 10,
      price: 15_325_500,
      triggerPrice: null,
      status: 'OPEN',
      filledQuantity: 0,
      averagePrice: null,
      averagePriceStep: 1,
      rejectReason: null,
      rawStatus: 'OPEN',
      placedAt: Date.parse('2021-05-31T09:18:57+05:30'),
      updatedAt: Date.parse('2021-05-31T09:19:02+05:30'),
    });
  });

  it('a working order with some quantity filled is PARTIALLY_FILLED, fills cumulative, average exact', () => {
    const o = parseKiteOrder({ ...openOrder, filled_quantity: 4, pending_quantity: 6, average_price: 1532.45 }, context);
    expect([o.status, o.filledQuantity, o.averagePrice, o.averagePriceStep]).toEqual(['PARTIALLY_FILLED', 4, 15_324_500, 100]);
    // An average with more than two decimals is not rounded to the paisa.
    expect(parseKiteOrder({ ...openOrder, filled_quantity: 3, average_price: 1532.4833 }, context).averagePriceStep).toBe(1);
  });

  it('maps COMPLETE, CANCELLED with fills, REJECTED with its reason, TRIGGER PENDING', () => {
    const done = parseKiteOrder(
      { ...openOrder, status: 'COMPLETE', filled_quantity: 10, pending_quantity: 0, average_price: 1532.5 },
      context,
    );
    expect([done.status, done.filledQuantity, done.averagePrice]).toEqual(['FILLED', 10, 15_325_000]);
    const cut = parseKiteOrder({ ...openOrder, status: 'CANCELLED', filled_quantity: 4, average_price: 1532.55 }, context);
    expect([cut.status, cut.filledQuantity, cut.rejectReason]).toEqual(['CANCELLED', 4, null]);
    const rejected = parseKiteOrder(
      { ...openOrder, status: 'REJECTED', status_message: 'RMS:Margin Exceeds, Required:15325.50, Available:0.00' },
      context,
    );
    expect([rejected.status, rejected.rejectReason]).toEqual(['REJECTED', 'RMS:Margin Exceeds, Required:15325.50, Available:0.00']);
    const sl = parseKiteOrder({ ...openOrder, status: 'TRIGGER PENDING', order_type: 'SL-M', price: 0, trigger_price: 1530 }, context);
    expect([sl.status, sl.type, sl.price, sl.triggerPrice]).toEqual(['TRIGGER_PENDING', 'SL-M', null, 15_300_000]);
  });

  it('the transient statuses are non-terminal; an unknown status is UNKNOWN, also non-terminal', () => {
    const expected: Record<string, string> = {
      'PUT ORDER REQ RECEIVED': 'PENDING_SUBMIT',
      'VALIDATION PENDING': 'PENDING_SUBMIT',
      'OPEN PENDING': 'PENDING_SUBMIT',
      'AMO REQ RECEIVED': 'PENDING_SUBMIT',
      'MODIFY VALIDATION PENDING': 'OPEN',
      'MODIFY PENDING': 'OPEN',
      MODIFIED: 'OPEN',
      'CANCEL PENDING': 'OPEN',
      'SOMETHING NEW': 'UNKNOWN',
    };
    for (const [raw, status] of Object.entries(expected)) {
      const o = parseKiteOrder({ ...openOrder, status: raw }, context);
      expect([raw, o.status, o.rawStatus]).toEqual([raw, status, raw]);
      expect(isTerminalReport(o.status)).toBe(false);
    }
  });

  it('converts NFO quantities and reads the parent of a slice', () => {
    const slice = parseKiteOrder(
      {
        ...openOrder,
        exchange: 'NFO',
        tradingsymbol: 'NIFTY24NOVFUT',
        product: 'NRML',
        quantity: 1800,
        parent_order_id: '240517000000001',
      },
      context,
    );
    expect([slice.instrument, slice.quantity, slice.parentBrokerOrderId]).toEqual([
      { exchange: 'NFO', symbol: 'NIFTY24NOVFUT' },
      1800,
      '240517000000001',
    ]);
  });

  it('refuses a price finer than a tick, a fill beyond the quantity, a fill without an average, missing fields', () => {
    const invalid = [
      { ...openOrder, price: 1532.55001 },
      { ...openOrder, trigger_price: -5 },
      { ...openOrder, filled_quantity: 11 },
      { ...openOrder, filled_quantity: 2, average_price: 0 },
      { ...openOrder, filled_quantity: 2, average_price: 1532.123456 },
      { ...openOrder, quantity: 0 },
      { ...openOrder, quantity: 2.5 },
      { ...openOrder, status: '' },
      { ...openOrder, order_id: null },
      { ...openOrder, transaction_type: 'SHORT' },
      { ...openOrder, order_timestamp: '31-05-2021' },
      'not an order',
    ];
    for (const raw of invalid) {
      const e = caught(() => parseKiteOrder(raw, context));
      expect([e.kind, e.code]).toEqual(['retryable', 'INVALID_RESPONSE']);
    }
  });

  it('an order we cannot represent is final, and the order book sets it aside', () => {
    expect(caught(() => parseKiteOrder({ ...openOrder, tradingsymbol: 'TCS' }, context)).code).toBe('INSTRUMENT_NOT_MAPPED');
    expect(caught(() => parseKiteOrder({ ...openOrder, product: 'MTF' }, context)).code).toBe('UNSUPPORTED_ORDER');
    expect(caught(() => parseKiteOrder({ ...openOrder, validity: 'TTL' }, context)).code).toBe('UNSUPPORTED_ORDER');
    const book = parseKiteOrderBook(
      [openOrder, { ...openOrder, order_id: '3', tradingsymbol: 'TCS' }, { ...openOrder, order_id: '4' }],
      context,
    );
    expect(book.orders.map((o) => o.brokerOrderId)).toEqual(['100000000000000', '4']);
    expect(book.skipped.map((e) => e.code)).toEqual(['INSTRUMENT_NOT_MAPPED']);
    expect(caught(() => parseKiteOrderBook([openOrder, { ...openOrder, price: 'x' }], context)).code).toBe('INVALID_RESPONSE');
    expect(caught(() => parseKiteOrderBook({}, context)).code).toBe('INVALID_RESPONSE');
  });
});

describe('Kite ticker text frames', () => {
  it('an order frame is an order update', () => {
    const frame = JSON.stringify({
      type: 'order',
      data: { ...openOrder, status: 'COMPLETE', filled_quantity: 10, average_price: 1532.55 },
    });
    const o = parseKiteTickerText(frame, context);
    expect([o?.brokerOrderId, o?.status, o?.filledQuantity, o?.averagePrice]).toEqual(['100000000000000', 'FILLED', 10, 15_325_500]);
  });

  it('other text frames are not updates; a frame that is not JSON is invalid', () => {
    expect(parseKiteTickerText(JSON.stringify({ type: 'message', data: 'hello' }), context)).toBeNull();
    expect(parseKiteTickerText(JSON.stringify({ type: 'error', data: 'bad token' }), context)).toBeNull();
    expect(caught(() => parseKiteTickerText('{"type":"order"', context)).code).toBe('INVALID_RESPONSE');
    expect(caught(() => parseKiteTickerText('[1,2]', context)).code).toBe('INVALID_RESPONSE');
  });
});

describe('Kite postbacks', () => {
  const postback = KITE_POSTBACK;

  it('a postback with our checksum is read as an order', () => {
    const o = parseKitePostback(JSON.stringify(postback), 'test_secret', context);
    expect([o.brokerOrderId, o.instrument.symbol, o.type, o.price, o.status, o.filledQuantity, o.averagePrice, o.averagePriceStep]).toEqual(
      ['220303000308932', 'SBIN', 'MARKET', null, 'FILLED', 1, 4_700_000, 100],
    );
  });

  it('a bad checksum or a body that is not JSON is refused', () => {
    const wrong = caught(() => parseKitePostback(JSON.stringify(postback), 'another_secret', context));
    expect([wrong.kind, wrong.code]).toEqual(['final', 'POSTBACK_CHECKSUM_MISMATCH']);
    const tampered = caught(() => parseKitePostback(JSON.stringify({ ...postback, order_id: '220303000308933' }), 'test_secret', context));
    expect(tampered.code).toBe('POSTBACK_CHECKSUM_MISMATCH');
    expect(caught(() => parseKitePostback('order_id=1', 'test_secret', context)).code).toBe('POSTBACK_INVALID');
  });
});

describe('Kite holdings', () => {
  // Rows as in zerodha/kiteconnect-mocks holdings.json (BHEL: 11 settled + 1 T1; RELIANCE: T1 only).
  const row = (over: Record<string, unknown> = {}) => ({
    tradingsymbol: 'INFY',
    exchange: 'NSE',
    instrument_token: 408065,
    isin: 'INE009A01021',
    product: 'CNC',
    price: 0,
    quantity: 11,
    used_quantity: 0,
    t1_quantity: 1,
    realised_quantity: 11,
    authorised_quantity: 0,
    opening_quantity: 12,
    collateral_quantity: 0,
    collateral_type: '',
    discrepancy: false,
    average_price: 56.35,
    last_price: 75.85,
    close_price: 77,
    pnl: 233.99999999999991,
    ...over,
  });

  it('reads settled, T1 and used quantities, prices in ticks and the P&L in paise; unknown instruments left out', () => {
    expect(
      parseKiteHoldings(
        [row(), row({ tradingsymbol: 'NOPE' }), row({ tradingsymbol: 'SBIN', quantity: 0, t1_quantity: 2, used_quantity: 1 })],
        context,
      ),
    ).toEqual([
      {
        instrument: { exchange: 'NSE', symbol: 'INFY' },
        quantity: 11,
        t1Quantity: 1,
        usedQuantity: 0,
        averagePrice: 563_500,
        lastPrice: 758_500,
        pnl: 23_400n,
      },
      {
        instrument: { exchange: 'NSE', symbol: 'SBIN' },
        quantity: 0,
        t1Quantity: 2,
        usedQuantity: 1,
        averagePrice: 563_500,
        lastPrice: 758_500,
        pnl: 23_400n,
      },
    ]);
    expect(parseKiteHoldings([], context)).toEqual([]);
  });

  it('takes a missing T1 as none, a missing used quantity as not reported, null prices (unpriced stock) as none', () => {
    const [h] = parseKiteHoldings(
      [row({ t1_quantity: undefined, used_quantity: undefined, average_price: null, last_price: null, pnl: null })],
      context,
    );
    expect(h).toMatchObject({ quantity: 11, t1Quantity: 0, usedQuantity: null, averagePrice: null, lastPrice: null, pnl: 0n });
  });

  it('refuses a malformed reply as a retryable INVALID_RESPONSE, never a partial list', () => {
    for (const bad of [
      null,
      { data: [] },
      [null],
      [row({ exchange: undefined })],
      [row({ quantity: undefined })],
      [row({ quantity: -1 })],
      [row({ quantity: 1.5 })],
      [row({ t1_quantity: '1' })],
      [row({ used_quantity: -2 })],
      [row({ pnl: 'lots' })],
    ]) {
      const e = caught(() => parseKiteHoldings(bad, context));
      expect(e, JSON.stringify(bad)).toMatchObject({ kind: 'retryable', code: 'INVALID_RESPONSE' });
    }
  });
});
