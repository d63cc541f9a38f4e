// Test data shared by the Kite specs (excluded from the build).

/** sha256('220303000308932' + '2022-03-03 09:24:25' + 'test_secret'), computed with Python's hashlib, not the code under test. */
export const KITE_POSTBACK_DIGEST = 'ad3df4dedf453d66b2307aa1847f0026f912346f75a28ea9089514ece6a6b652';

/** kiteconnect-mocks postback.json, with the checksum our test secret gives it. */
export const KITE_POSTBACK = {
  user_id: 'AB1234',
  unfilled_quantity: 0,
  app_id: 1234,
  checksum: KITE_POSTBACK_DIGEST,
  placed_by: 'AB1234',
  order_id: '220303000308932',
  exchange_order_id: '1000000001482421',
  parent_order_id: null,
  status: 'COMPLETE',
  status_message: null,
  status_message_raw: null,
  order_timestamp: '2022-03-03 09:24:25',
  exchange_update_timestamp: '2022-03-03 09:24:25',
  exchange_timestamp: '2022-03-03 09:24:25',
  variety: 'regular',
  exchange: 'NSE',
  tradingsymbol: 'SBIN',
  instrument_token: 779521,
  order_type: 'MARKET',
  transaction_type: 'BUY',
  validity: 'DAY',
  product: 'CNC',
  quantity: 1,
  disclosed_quantity: 0,
  price: 0,
  trigger_price: 0,
  average_price: 470,
  filled_quantity: 1,
  pending_quantity: 0,
  cancelled_quantity: 0,
  market_protection: 0,
  meta: {},
  tag: null,
  guid: 'XXXXXX',
};
