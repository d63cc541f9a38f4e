import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { demoUniverse, formatPrice, type BrokerOrderReport, type BrokerReportStatus } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { ExecutionService, OrderHistoryVerifier } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';
import { expectEveryOrderReplays } from './support/order-replay';
import { paperFunds, setPaperBalance } from './support/paper-book';

/**
 * Every order's stored history replays to its row (issue 13, step 3). Orders come in through the
 * real API (intake, cancel, modify, the kill switch); the test plays the broker, calling the
 * execution engine as the worker's handlers do — acceptance, reports with cumulative fills,
 * confirmations and refusals of modifications — so each path is taken once, in a known order,
 * with nothing left to timing. Then every order is replayed and compared with its row and trades.
 */
const { api, ctx } = useTestApi({}, { logLevel: 'warn' });
const TICK = 10_000;
const LTP: Record<string, number> = { RELIANCE: 1420 * TICK, TCS: 3450 * TICK, INFY: 1560 * TICK };
const rupees = (r: number) => formatPrice(Math.round(r * TICK));

let ex: ExecutionService;
let db: Db;
let trader: { token: string; id: string };
const placedIds: string[] = [];

/** A trader whose paper account (the book their paper orders spend) holds exactly `rupeesAmount`. */
async function fundedTrader(rupeesAmount: bigint) {
  const s = await signedIn(api, ['trader']);
  await setPaperBalance(api, s.token, `${rupeesAmount}.00`);
  return { token: s.token, id: s.user.id };
}
async function place(body: Record<string, unknown>, token = trader.token): Promise<string> {
  const res = await api.http.request('POST', '/api/v1/orders', {
    body: { product: 'CNC', ...body },
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  placedIds.push(res.body.order.id);
  return res.body.order.id as string;
}
const cancel = async (id: string, token = trader.token) =>
  expect((await api.http.request('DELETE', `/api/v1/orders/${id}`, { token })).status).toBe(202);
const modify = async (id: string, body: Record<string, unknown>, token = trader.token) => {
  const res = await api.http.request('PATCH', `/api/v1/orders/${id}`, { body, token });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
};
const detail = async (id: string, token = trader.token) => (await api.http.get(`/api/v1/orders/${id}`, token)).body;
/** The history as [event, status] pairs, as the API shows it. */
const history = async (id: string, token = trader.token) =>
  (await detail(id, token)).history.map((h: { status: string; details: { event: string } }) => [h.details.event, h.status]);

let clock = Date.now();
const report = (status: BrokerReportStatus, filledQuantity = 0, averagePrice: number | null = null, rejectReason?: string) =>
  ({ status, filledQuantity, averagePrice, ...(rejectReason ? { rejectReason } : {}), updatedAt: (clock += 1) }) as BrokerOrderReport & {
    updatedAt: number;
  };
/** What the place-order job does up to the broker's answer: SENDING, then ACCEPTED with what the broker already reported. */
async function sendAndAccept(id: string, brokerId: string, reports: ReturnType<typeof report>[] = []) {
  expect((await ex.beginSend(id)).action).toBe('send');
  await ex.accepted(
    id,
    [brokerId],
    'sent',
    reports.map((r) => ({ brokerOrderId: brokerId, report: r })),
  );
}
const brokerSays = (id: string, brokerId: string, r: ReturnType<typeof report>) => ex.applyReport(id, brokerId, r, r.updatedAt);

beforeAll(async () => {
  db = api.app.get(Db);
  ex = api.app.get(ExecutionService);
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  // Fixed quotes (no feed): intake prices market orders and checks bands against them.
  const redis = new Redis(ctx.config.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const [symbol, ltp] of Object.entries(LTP))
      await redis.hset(
        marketKeys(ctx.config.REDIS_PREFIX).quotes,
        symbol,
        JSON.stringify([symbol, Date.now(), ltp, ltp - 500, ltp + 500, 1000, ltp, 1]),
      );
  } finally {
    redis.disconnect();
  }
  trader = await fundedTrader(10_00_000n);
}, 60_000);

describe('order history replay', () => {
  it('a market buy filled as it arrived at the broker', async () => {
    const id = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 5 });
    await sendAndAccept(id, 'MB1', [report('FILLED', 5, 1420.05 * TICK)]);
    expect(await history(id)).toEqual([
      ['PLACED', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['ACCEPTED', 'OPEN'],
      ['FILL', 'FILLED'],
    ]);
    expect(await detail(id)).toMatchObject({ status: 'FILLED', filledQuantity: 5, reserved: '0.00', brokerOrderId: 'MB1' });
  });

  it('a limit filled in two parts (a stale report between), then cancelled by its owner', async () => {
    const id = await place({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: rupees(3449), quantity: 10 });
    await sendAndAccept(id, 'MB2');
    expect(await brokerSays(id, 'MB2', report('OPEN', 3, 3449 * TICK))).toBe('applied');
    expect(await brokerSays(id, 'MB2', report('OPEN', 6, 3448.5 * TICK))).toBe('applied');
    expect(await brokerSays(id, 'MB2', report('OPEN', 3, 3449 * TICK))).toBe('stale');
    await cancel(id);
    expect(await brokerSays(id, 'MB2', report('CANCELLED', 6, 3448.5 * TICK))).toBe('applied');
    expect(await history(id)).toEqual([
      ['PLACED', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['ACCEPTED', 'OPEN'],
      ['FILL', 'PARTIALLY_FILLED'],
      ['FILL', 'PARTIALLY_FILLED'],
      ['CANCEL_REQUESTED', 'PARTIALLY_FILLED'],
      ['CANCELLED', 'CANCELLED'],
      ['HOLD_RELEASED', 'CANCELLED'],
    ]);
    expect(await detail(id)).toMatchObject({ status: 'CANCELLED', filledQuantity: 6, averagePrice: rupees(3448.5), reserved: '0.00' });
  });

  it('one report with a fill and the end of the order: each entry carries the status after it', async () => {
    const id = await place({ symbol: 'INFY', side: 'BUY', type: 'LIMIT', price: rupees(1550), quantity: 8 });
    await sendAndAccept(id, 'MB3');
    await brokerSays(id, 'MB3', report('CANCELLED', 4, 1550 * TICK));
    expect((await history(id)).slice(3)).toEqual([
      ['FILL', 'PARTIALLY_FILLED'],
      ['CANCELLED', 'CANCELLED'],
      ['HOLD_RELEASED', 'CANCELLED'],
    ]);
  });

  it('stops: an SL waits for its trigger, triggers, fills; an SL-M short sale fills straight from its trigger; a waiting stop cancelled', async () => {
    const sl = await place({ symbol: 'INFY', side: 'BUY', type: 'SL', price: rupees(1575), triggerPrice: rupees(1570), quantity: 3 });
    await sendAndAccept(sl, 'MB4');
    await brokerSays(sl, 'MB4', report('OPEN'));
    await brokerSays(sl, 'MB4', report('FILLED', 3, 1572 * TICK));
    expect((await history(sl)).map(([, status]: string[]) => status)).toEqual(['PENDING', 'PENDING', 'TRIGGER_PENDING', 'OPEN', 'FILLED']);

    const slm = await place({ symbol: 'RELIANCE', side: 'SELL', type: 'SL-M', triggerPrice: rupees(1400), quantity: 2, product: 'MIS' });
    await sendAndAccept(slm, 'MB5');
    await brokerSays(slm, 'MB5', report('FILLED', 2, 1399.95 * TICK));
    expect(await history(slm)).toEqual([
      ['PLACED', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['ACCEPTED', 'TRIGGER_PENDING'],
      ['FILL', 'FILLED'],
    ]);

    const waiting = await place({ symbol: 'TCS', side: 'BUY', type: 'SL', price: rupees(3500), triggerPrice: rupees(3480), quantity: 1 });
    await sendAndAccept(waiting, 'MB6');
    await cancel(waiting);
    await brokerSays(waiting, 'MB6', report('CANCELLED'));
    expect((await detail(waiting)).status).toBe('CANCELLED');
  });

  it('rejections: by the broker after accepting, and a final refusal before any broker id', async () => {
    const atBroker = await place({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: rupees(3440), quantity: 2 });
    await sendAndAccept(atBroker, 'MB7');
    await brokerSays(atBroker, 'MB7', report('REJECTED', 0, null, 'RMS: margin exceeds'));
    expect(await detail(atBroker)).toMatchObject({ status: 'REJECTED', rejectReason: 'RMS: margin exceeds', reserved: '0.00' });

    const refused = await place({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: rupees(3440), quantity: 2 });
    expect((await ex.beginSend(refused)).action).toBe('send');
    await ex.rejected(refused, 'Invalid instrument');
    expect(await history(refused)).toEqual([
      ['PLACED', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['REJECTED', 'REJECTED'],
      ['HOLD_RELEASED', 'REJECTED'],
    ]);
  });

  it('cancelled before it left: asked before sending (the send sees it), and asked while it was being sent', async () => {
    const before = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1400), quantity: 1 });
    await cancel(before);
    expect((await ex.beginSend(before)).action).toBe('skip');
    expect(await history(before)).toEqual([
      ['PLACED', 'PENDING'],
      ['CANCEL_REQUESTED', 'PENDING'],
      ['CANCELLED', 'CANCELLED'],
      ['HOLD_RELEASED', 'CANCELLED'],
    ]);

    const during = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1400), quantity: 1 });
    expect((await ex.beginSend(during)).action).toBe('send');
    await cancel(during);
    await ex.cancelledLocally(during);
    expect((await detail(during)).status).toBe('CANCELLED');
  });

  it('sent twice (the second attempt looks the order up), adopted by tag, expired with part filled', async () => {
    const id = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1410), quantity: 4 });
    expect((await ex.beginSend(id)).action).toBe('send');
    expect((await ex.beginSend(id)).action).toBe('lookup');
    await ex.accepted(id, ['MB8'], 'found-by-tag');
    await brokerSays(id, 'MB8', report('EXPIRED', 1, 1410 * TICK));
    expect(await history(id)).toEqual([
      ['PLACED', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['SENDING', 'PENDING'],
      ['ACCEPTED', 'OPEN'],
      ['FILL', 'PARTIALLY_FILLED'],
      ['EXPIRED', 'EXPIRED'],
      ['HOLD_RELEASED', 'EXPIRED'],
    ]);
  });

  it('modifications: confirmed (terms and hold follow), refused, confirmed after a fill, and one confirmed once the order had filled', async () => {
    const id = await place({ symbol: 'INFY', side: 'BUY', type: 'LIMIT', price: rupees(1540), quantity: 5 });
    await sendAndAccept(id, 'MB9');
    await modify(id, { price: rupees(1535), quantity: 7 });
    await ex.modified(id);
    expect(await detail(id)).toMatchObject({ status: 'OPEN', quantity: 7, price: rupees(1535) });
    await modify(id, { quantity: 3 });
    await ex.modificationRejected(id, 'the broker refused the change');
    await brokerSays(id, 'MB9', report('OPEN', 2, 1535 * TICK));
    await modify(id, { quantity: 4 });
    await ex.modified(id);
    await brokerSays(id, 'MB9', report('FILLED', 4, 1535 * TICK));
    expect((await history(id)).map(([event]: string[]) => event)).toEqual([
      'PLACED',
      'SENDING',
      'ACCEPTED',
      'MODIFY_REQUESTED',
      'MODIFIED',
      'MODIFY_REQUESTED',
      'MODIFY_REJECTED',
      'FILL',
      'MODIFY_REQUESTED',
      'MODIFIED',
      'FILL',
    ]);
    expect(await detail(id)).toMatchObject({ status: 'FILLED', quantity: 4, filledQuantity: 4, reserved: '0.00' });

    const stop = await place({ symbol: 'INFY', side: 'BUY', type: 'SL', price: rupees(1580), triggerPrice: rupees(1570), quantity: 2 });
    await sendAndAccept(stop, 'MB10');
    await modify(stop, { triggerPrice: rupees(1575) });
    await ex.modified(stop);
    expect((await detail(stop)).triggerPrice).toBe(rupees(1575));

    const late = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1415), quantity: 2 });
    await sendAndAccept(late, 'MB11');
    await modify(late, { price: rupees(1416) });
    await brokerSays(late, 'MB11', report('FILLED', 2, 1415 * TICK));
    await ex.modified(late);
    expect((await history(late)).slice(-1)).toEqual([['MODIFY_REJECTED', 'FILLED']]);
  });

  it('a confirmed modification whose larger hold is gone meanwhile: modified, then cancelled', async () => {
    const poor = await fundedTrader(50_000n);
    const id = await place({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: rupees(3400), quantity: 1 }, poor.token);
    await sendAndAccept(id, 'MB12');
    await modify(id, { quantity: 10 }, poor.token);
    // Another order takes the money the larger hold needed.
    await place({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: rupees(3400), quantity: 9 }, poor.token);
    expect(await ex.modified(id)).toEqual({ cancel: true });
    await brokerSays(id, 'MB12', report('CANCELLED'));
    expect((await history(id, poor.token)).slice(3)).toEqual([
      ['MODIFY_REQUESTED', 'OPEN'],
      ['MODIFIED', 'OPEN'],
      ['CANCEL_REQUESTED', 'OPEN'],
      ['CANCELLED', 'CANCELLED'],
      ['HOLD_RELEASED', 'CANCELLED'],
    ]);
  });

  it('the kill switch asks every open order to cancel, each entry with the order’s own status; the engine cancels them', async () => {
    const t = await fundedTrader(5_00_000n);
    const pending = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1400), quantity: 1 }, t.token);
    const open = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: rupees(1401), quantity: 3 }, t.token);
    const partial = await place({ symbol: 'INFY', side: 'BUY', type: 'LIMIT', price: rupees(1555), quantity: 3 }, t.token);
    const armed = await place(
      { symbol: 'TCS', side: 'BUY', type: 'SL', price: rupees(3500), triggerPrice: rupees(3490), quantity: 1 },
      t.token,
    );
    await sendAndAccept(open, 'MB13');
    await sendAndAccept(partial, 'MB14', [report('OPEN', 1, 1555 * TICK)]);
    await sendAndAccept(armed, 'MB15');
    const engage = await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'replay test' }, t.token);
    expect(engage.status).toBe(200);
    const requested = async (id: string) =>
      (await history(id, t.token)).find(([event]: string[]) => event === 'CANCEL_REQUESTED')?.[1] as string | undefined;
    expect([await requested(pending), await requested(open), await requested(partial), await requested(armed)]).toEqual([
      'PENDING',
      'OPEN',
      'PARTIALLY_FILLED',
      'TRIGGER_PENDING',
    ]);
    expect((await ex.beginSend(pending)).action).toBe('skip');
    await brokerSays(open, 'MB13', report('CANCELLED'));
    await brokerSays(partial, 'MB14', report('CANCELLED', 1, 1555 * TICK));
    await brokerSays(armed, 'MB15', report('CANCELLED'));
    for (const id of [pending, open, partial, armed]) expect((await detail(id, t.token)).status).toBe('CANCELLED');
    expect((await paperFunds(api, t.token)).held).toBe('0.00');
    expect((await api.http.get('/api/v1/wallet', t.token)).body.held).toBe('0.00');
  });

  it('every order replays from its stored history to its row and trades', async () => {
    const { ordersChecked } = await expectEveryOrderReplays(db, placedIds.length);
    expect(ordersChecked).toBe(placedIds.length);
  });

  it('the check has teeth: a row that disagrees with its history, or an entry outside the union, is reported', async () => {
    const [a, b] = placedIds;
    await db.sql.rows(`UPDATE orders SET reserved_paise = reserved_paise + 1 WHERE id = $1`, [a]);
    await db.sql.rows(`INSERT INTO order_events (order_id, status, event, details) VALUES ($1, 'FILLED', 'ACKNOWLEDGED', '{}')`, [b]);
    const r = await new OrderHistoryVerifier(db).verify({ orderIds: [a!, b!] });
    expect(r.ok).toBe(false);
    // In id order: a was placed first.
    expect(r.problems).toEqual([
      { orderId: a, problem: 'reserved: row has "1", history replays to "0"' },
      { orderId: b, problem: expect.stringContaining('Unknown order history entry "ACKNOWLEDGED"') },
    ]);
  });
});
