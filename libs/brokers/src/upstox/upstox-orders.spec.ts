import { InstrumentMap } from '../adapter';
import { exchangeUpstoxCode, upstoxLoginUrl, upstoxTokenForm, type UpstoxTokenFetch } from './upstox-auth';
import { parseUpstoxOrder, parseUpstoxPlaceResult, parseUpstoxStreamMessage, parseUpstoxTrade, upstoxPlaceBody } from './upstox-orders';

const KEY = 'NSE_EQ|INE009A01021';
const instruments = new InstrumentMap('upstox', [
  { ref: { exchange: 'NSE', symbol: 'INFY' }, broker: { exchange: 'NSE_EQ', symbol: KEY, quantityUnit: 'units', lotSize: 1 } },
]);

/** An order object in the shape of `GET /v2/order/details` (docs/brokers.md 2.3: its fields; values ours). */
const ORDER = {
  exchange: 'NSE',
  product: 'D',
  price: 1571.2,
  quantity: 5,
  status: 'open',
  tag: 'abc123',
  instrument_token: KEY,
  placed_by: 'ABC123',
  trading_symbol: 'INFY-EQ',
  order_type: 'LIMIT',
  validity: 'DAY',
  trigger_price: 0,
  disclosed_quantity: 0,
  transaction_type: 'BUY',
  average_price: 1571.05,
  filled_quantity: 2,
  pending_quantity: 3,
  status_message: null,
  exchange_order_id: '1300000025660919',
  parent_order_id: null,
  order_id: '231019025562880',
  variety: 'SIMPLE',
  order_timestamp: '2023-10-19 13:25:56',
  exchange_timestamp: '2023-10-19 13:25:57',
  is_amo: false,
};

describe('Upstox order objects', () => {
  it('reads an order: key → our instrument, D on a cash segment → CNC, partly filled open → PARTIALLY_FILLED, IST times', () => {
    const o = parseUpstoxOrder(ORDER, { instruments });
    expect(o).toMatchObject({
      brokerOrderId: '231019025562880',
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      product: 'CNC',
      type: 'LIMIT',
      status: 'PARTIALLY_FILLED',
      rawStatus: 'open',
      filledQuantity: 2,
      quantity: 5,
      price: 15_712_000,
      averagePrice: 15_710_500,
      averagePriceStep: 100,
      tag: 'abc123',
      placedAt: Date.UTC(2023, 9, 19, 7, 55, 56),
      updatedAt: Date.UTC(2023, 9, 19, 7, 55, 57),
    });
    expect(parseUpstoxOrder({ ...ORDER, product: 'I', status: 'complete', filled_quantity: 5 }, { instruments })).toMatchObject({
      product: 'MIS',
      status: 'FILLED',
    });
  });

  it('an unknown instrument is a final refusal; a malformed order is an invalid response', () => {
    expect(() => parseUpstoxOrder({ ...ORDER, instrument_token: 'NSE_EQ|XX' }, { instruments })).toThrow(
      expect.objectContaining({ kind: 'final', code: 'INSTRUMENT_NOT_MAPPED' }),
    );
    expect(() => parseUpstoxOrder({ ...ORDER, price: 1.23456 }, { instruments })).toThrow(
      expect.objectContaining({ code: 'INVALID_RESPONSE' }),
    );
    expect(() => parseUpstoxOrder({ ...ORDER, filled_quantity: 6 }, { instruments })).toThrow(
      expect.objectContaining({ code: 'INVALID_RESPONSE' }),
    );
  });

  it('trades and stream messages', () => {
    const t = parseUpstoxTrade(
      {
        trade_id: '50091502',
        order_id: ORDER.order_id,
        instrument_token: KEY,
        product: 'I',
        transaction_type: 'SELL',
        quantity: 2,
        average_price: 1571.05,
        exchange_timestamp: '2023-10-19 13:25:57',
      },
      { instruments },
    );
    expect(t).toMatchObject({ tradeId: '50091502', side: 'SELL', product: 'MIS', quantity: 2, price: 15_710_500 });
    expect(parseUpstoxStreamMessage(JSON.stringify({ update_type: 'position', instrument_token: KEY }), { instruments })).toBeNull();
    expect(parseUpstoxStreamMessage(JSON.stringify({ ...ORDER, update_type: 'order' }), { instruments })?.brokerOrderId).toBe(
      ORDER.order_id,
    );
    expect(() => parseUpstoxStreamMessage('not json', { instruments })).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE' }));
  });

  it('the v3 placement body: every required field, zeros where unused; MIS → I, CNC → D', () => {
    const instrument = instruments.toBroker({ exchange: 'NSE', symbol: 'INFY' });
    const base = { side: 'BUY', quantity: 3, validity: 'DAY', price: null, triggerPrice: null } as const;
    expect(upstoxPlaceBody({ terms: { ...base, type: 'MARKET', product: 'MIS' }, instrument, tag: 't1' })).toEqual({
      instrument_token: KEY,
      quantity: 3,
      product: 'I',
      validity: 'DAY',
      price: 0,
      order_type: 'MARKET',
      transaction_type: 'BUY',
      disclosed_quantity: 0,
      trigger_price: 0,
      is_amo: false,
      tag: 't1',
      slice: false,
    });
    expect(
      upstoxPlaceBody({
        terms: { ...base, type: 'SL', product: 'CNC', price: 15_712_500, triggerPrice: 15_700_000 },
        instrument,
        tag: 't',
        slice: true,
      }),
    ).toMatchObject({ product: 'D', price: 1571.25, trigger_price: 1570, slice: true });
    expect(() => upstoxPlaceBody({ terms: { ...base, type: 'MARKET', product: 'NRML' }, instrument, tag: 't' })).toThrow(
      expect.objectContaining({ kind: 'final', code: 'PRODUCT_NOT_SUPPORTED' }),
    );
    expect(() => upstoxPlaceBody({ terms: { ...base, type: 'LIMIT', product: 'MIS' }, instrument, tag: 't' })).toThrow(
      expect.objectContaining({ kind: 'final' }),
    );
  });

  it('a sliced placement gives every order id; partial_success keeps the refused slices', () => {
    expect(parseUpstoxPlaceResult({ status: 'success', data: { order_ids: ['1', '2'] }, errors: [] }).brokerOrderIds).toEqual(['1', '2']);
    const partial = parseUpstoxPlaceResult({
      status: 'partial_success',
      data: { order_ids: ['1'] },
      errors: [{ code: 'UDAPI100500', message: 'slice 2 refused', propertyPath: null, invalidValue: null }],
    });
    expect(partial.brokerOrderIds).toEqual(['1']);
    expect(partial.failedSlices).toEqual([expect.objectContaining({ kind: 'final', brokerMessage: 'slice 2 refused' })]);
    expect(() => parseUpstoxPlaceResult({ status: 'success', data: {}, errors: [] })).toThrow(
      expect.objectContaining({ kind: 'ambiguous' }),
    );
  });
});

describe('Upstox login', () => {
  it('builds the dialog URL with client_id, redirect_uri and state', () => {
    const url = new URL(upstoxLoginUrl({ clientId: 'cid', redirectUri: 'https://app/cb?x=1', state: 's t', apiRoot: 'http://fake:1/' }));
    expect(url.origin + url.pathname).toBe('http://fake:1/v2/login/authorization/dialog');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'https://app/cb?x=1',
      state: 's t',
    });
    expect(upstoxTokenForm({ code: 'c', clientId: 'i', clientSecret: 's', redirectUri: 'r' }).toString()).toBe(
      'code=c&client_id=i&client_secret=s&redirect_uri=r&grant_type=authorization_code',
    );
  });

  it('exchanges the code (form-encoded) for the token; a refused code is a BrokerError with Upstox code', async () => {
    const seen: { url: string; body: string; type: string }[] = [];
    let status = 200;
    let body: unknown = { email: 'a@b', user_id: 'AB1234', access_token: 'the-token', extended_token: null };
    const fetchStub: UpstoxTokenFetch = async (url, init) => {
      seen.push({ url, body: init.body, type: init.headers['Content-Type']! });
      return new Response(JSON.stringify(body), { status });
    };
    const input = { code: 'c1', clientId: 'cid', clientSecret: 'sec', redirectUri: 'https://app/cb' };
    expect(await exchangeUpstoxCode(input, { apiRoot: 'http://fake', fetch: fetchStub })).toEqual({
      accessToken: 'the-token',
      userId: 'AB1234',
    });
    expect(seen[0]).toEqual({
      url: 'http://fake/v2/login/authorization/token',
      body: 'code=c1&client_id=cid&client_secret=sec&redirect_uri=https%3A%2F%2Fapp%2Fcb&grant_type=authorization_code',
      type: 'application/x-www-form-urlencoded',
    });
    status = 400;
    body = { status: 'error', errors: [{ error_code: 'UDAPI100057', message: 'Invalid Auth code' }] };
    await expect(exchangeUpstoxCode(input, { apiRoot: 'http://fake', fetch: fetchStub })).rejects.toMatchObject({
      kind: 'final',
      code: 'UDAPI100057',
      brokerMessage: 'Invalid Auth code',
    });
  });
});
