import { randomUUID } from 'node:crypto';
import { demoUniverse, formatPrice, type BrokerOrderReport, type OrderId } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';

/**
 * Compliance surveillance (docs/api.md "Orders, trades, positions"): everyone's orders and fills,
 * newest first, each filter narrowing, pages walking every row once. Two traders place paper
 * orders through the API; the test plays the broker through the execution engine (no worker), so
 * each fill's time is the one the test chooses, and it sets the orders' placement times so every
 * expected order (ties included) is known exactly.
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '10000000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);

type Token = { token: string; user: { id: string; email: string } };
let a: Token;
let b: Token;
let compliance: Token;
/** o1…o6 by placement time (o5 and o6 placed in the same microsecond). */
const o: Record<string, string> = {};
/** t1…t4 by execution time (t3 and t4 in the same millisecond). */
const t: Record<string, string> = {};
const T0 = Date.parse('2031-03-03T04:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

async function place(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.http.request('POST', '/api/v1/orders', {
    body: { type: 'LIMIT', product: 'MIS', ...body },
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.order.id as string;
}

const report = (status: BrokerOrderReport['status'], filledQuantity: number, price: number): BrokerOrderReport => ({
  status,
  filledQuantity,
  averagePrice: price * TICK,
});

async function open(id: string, brokerId: string) {
  const ex = api.app.get(ExecutionService);
  expect((await ex.beginSend(id as OrderId)).action).toBe('send');
  await ex.accepted(id as OrderId, [brokerId], 'sent');
}

async function fill(id: string, brokerId: string, r: BrokerOrderReport, executedAt: string) {
  expect(await api.app.get(ExecutionService).applyReport(id as OrderId, brokerId, r, Date.parse(executedAt))).toBe('applied');
}

/** Newest first, ties by id descending: what a list must answer. */
const newestFirst = (rows: { id: string; at: string }[]) =>
  [...rows].sort((x, y) => (x.at === y.at ? (x.id < y.id ? 1 : -1) : x.at < y.at ? 1 : -1)).map((r) => r.id);

async function get(path: string, token = compliance.token) {
  const res = await api.http.get(path, token);
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  return res.body as { items: { id: string; userId: string; symbol: string }[]; nextCursor: string | null };
}
const ids = async (path: string) => (await get(path)).items.map((i) => i.id);

/** Walks a list `limit` rows at a time, returning every id in the order served. */
async function walk(path: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('the cursor never ended');
}

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  a = await signedIn(api, ['trader']);
  b = await signedIn(api, ['trader']);
  compliance = await signedIn(api, ['compliance']);

  o.o1 = await place(a.token, { symbol: 'RELIANCE', side: 'BUY', quantity: 10, price: formatPrice(1400 * TICK) });
  o.o2 = await place(a.token, { symbol: 'M&M', side: 'SELL', quantity: 5, price: formatPrice(3600 * TICK) });
  o.o3 = await place(a.token, { symbol: 'TCS', side: 'BUY', quantity: 1, price: formatPrice(3000 * TICK) });
  o.o4 = await place(b.token, { symbol: 'm&m', side: 'BUY', quantity: 3, price: formatPrice(3590 * TICK) });
  o.o5 = await place(b.token, { symbol: 'RELIANCE', side: 'SELL', quantity: 2, price: formatPrice(1450 * TICK) });
  o.o6 = await place(b.token, { symbol: 'RELIANCE', side: 'BUY', quantity: 1, price: formatPrice(1300 * TICK) });
  // Placement times chosen by the test; o5 and o6 share one (a batch shares its transaction's time).
  const placed = { o1: at(0), o2: at(10), o3: at(20), o4: at(30), o5: '2031-03-03T04:00:40.123456Z', o6: '2031-03-03T04:00:40.123456Z' };
  for (const [k, when] of Object.entries(placed)) await sql(`UPDATE orders SET created_at = $2 WHERE id = $1`, [o[k], when]);
  // o6 is a strategy's order.
  await sql(`UPDATE orders SET strategy_id = 'strategy-e2e' WHERE id = $1`, [o.o6]);

  // The broker: o1 fills at once, o2 in two parts, o3 rests open, o4 fills, o5 is refused, o6 is never sent.
  await open(o.o1!, 'SV-1');
  await fill(o.o1!, 'SV-1', report('FILLED', 10, 1400), at(100));
  await open(o.o2!, 'SV-2');
  await fill(o.o2!, 'SV-2', report('PARTIALLY_FILLED', 2, 3600), at(200));
  await fill(o.o2!, 'SV-2', report('FILLED', 5, 3600), at(300));
  await open(o.o3!, 'SV-3');
  await open(o.o4!, 'SV-4');
  await fill(o.o4!, 'SV-4', report('FILLED', 3, 3590), at(300));
  await api.app.get(ExecutionService).rejected(o.o5 as OrderId, '=HYPERLINK("http://x.test","refused")');

  const trades = await sql<{ id: string; order_id: string; executed_at: Date }>(`SELECT id, order_id, executed_at FROM trades`);
  const byOrder = (id: string) => trades.filter((r) => r.order_id === id).sort((x, y) => x.executed_at.getTime() - y.executed_at.getTime());
  const ofOrder = (id: string) => byOrder(id).map((r) => r.id);
  expect([ofOrder(o.o1!).length, ofOrder(o.o2!).length, ofOrder(o.o4!).length]).toEqual([1, 2, 1]);
  Object.assign(t, { t1: ofOrder(o.o1!)[0], t2: ofOrder(o.o2!)[0], t3: ofOrder(o.o2!)[1], t4: ofOrder(o.o4!)[0] });
}, 60_000);

const orderTimes = () => [
  { id: o.o1!, at: '1' },
  { id: o.o2!, at: '2' },
  { id: o.o3!, at: '3' },
  { id: o.o4!, at: '4' },
  { id: o.o5!, at: '5' },
  { id: o.o6!, at: '5' },
];
const tradeTimes = () => [
  { id: t.t1!, at: '1' },
  { id: t.t2!, at: '2' },
  { id: t.t3!, at: '3' },
  { id: t.t4!, at: '3' },
];
const b64 = (tuple: unknown[]) => Buffer.from(JSON.stringify(tuple)).toString('base64url');
const pick = (rows: { id: string; at: string }[], keep: string[]) => newestFirst(rows.filter((r) => keep.includes(r.id)));

describe('GET /api/v1/compliance/orders', () => {
  it('answers everyone’s orders newest first (ties by id), each as the order DTO plus userId', async () => {
    const page = await get('/api/v1/compliance/orders');
    expect(page.items.map((i) => i.id)).toEqual(newestFirst(orderTimes()));
    expect(page.nextCursor).toBeNull();
    const first = page.items.find((i) => i.id === o.o2)!;
    expect(first).toMatchObject({ userId: a.user.id, symbol: 'M&M', side: 'SELL', status: 'FILLED', filledQuantity: 5, broker: 'mock' });
    expect(first).toHaveProperty('createdAt', '2031-03-03T04:00:10.000Z');
    const own = (await api.http.get(`/api/v1/orders/${o.o2}`, a.token)).body;
    const { history: _history, ...asOwnerSeesIt } = own;
    expect(first).toEqual({ ...asOwnerSeesIt, userId: a.user.id });
  });

  it('narrows by each filter', async () => {
    const q = (qs: string) => ids(`/api/v1/compliance/orders?${qs}`);
    const all = orderTimes();
    expect(await q(`userId=${a.user.id}`)).toEqual(pick(all, [o.o1!, o.o2!, o.o3!]));
    expect(await q(`userId=${b.user.id}`)).toEqual(pick(all, [o.o4!, o.o5!, o.o6!]));
    expect(await q('symbol=m%26m')).toEqual(pick(all, [o.o2!, o.o4!]));
    expect(await q('symbol=M%26M')).toEqual(pick(all, [o.o2!, o.o4!]));
    expect(await q('symbol=%20reliance%20')).toEqual(pick(all, [o.o1!, o.o5!, o.o6!]));
    expect(await q('symbol=INFY')).toEqual([]);
    expect(await q('status=FILLED')).toEqual(pick(all, [o.o1!, o.o2!, o.o4!]));
    expect(await q('status=open')).toEqual(pick(all, [o.o3!, o.o6!]));
    expect(await q('status=OPEN')).toEqual([o.o3]);
    expect(await q('status=REJECTED')).toEqual([o.o5]);
    expect(await q('status=CANCELLED')).toEqual([]);
    expect(await q('side=SELL')).toEqual(pick(all, [o.o2!, o.o5!]));
    expect(await q('side=BUY')).toEqual(pick(all, [o.o1!, o.o3!, o.o4!, o.o6!]));
    expect(await q('accountKind=paper')).toEqual(newestFirst(all));
    expect(await q('accountKind=kite')).toEqual([]);
    expect(await q('placedBy=strategy')).toEqual([o.o6]);
    expect(await q('placedBy=person')).toEqual(pick(all, [o.o1!, o.o2!, o.o3!, o.o4!, o.o5!]));
    // from inclusive, to exclusive, to the microsecond.
    expect(await q(`from=${at(10)}`)).toEqual(pick(all, [o.o2!, o.o3!, o.o4!, o.o5!, o.o6!]));
    expect(await q(`to=${at(10)}`)).toEqual([o.o1]);
    expect(await q(`from=${at(10)}&to=${at(30)}`)).toEqual(pick(all, [o.o2!, o.o3!]));
    expect(await q(`from=2031-03-03T04:00:40.123Z&to=2031-03-03T04:00:40.124Z`)).toEqual(pick(all, [o.o5!, o.o6!]));
    // Filters combine.
    expect(await q(`userId=${b.user.id}&symbol=reliance&side=SELL`)).toEqual([o.o5]);
    expect(await q(`userId=${a.user.id}&symbol=RELIANCE&status=FILLED&from=${at(0)}&to=${at(1)}`)).toEqual([o.o1]);
  });

  it('pages walk every order once, in order, at any page size and under a filter', async () => {
    const expected = newestFirst(orderTimes());
    for (const limit of [1, 2, 4, 5]) expect(await walk('/api/v1/compliance/orders', limit)).toEqual(expected);
    expect(await walk(`/api/v1/compliance/orders?userId=${b.user.id}`, 1)).toEqual(pick(orderTimes(), [o.o4!, o.o5!, o.o6!]));
    expect(await walk('/api/v1/compliance/orders?symbol=reliance', 2)).toEqual(pick(orderTimes(), [o.o1!, o.o5!, o.o6!]));
    // A full last page says there is no next one.
    const two = await get('/api/v1/compliance/orders?limit=6');
    expect([two.items.length, two.nextCursor]).toEqual([6, null]);
  });
});

describe('GET /api/v1/compliance/trades', () => {
  it('answers everyone’s fills newest first, each as the owner’s trade plus userId and broker', async () => {
    const page = await get('/api/v1/compliance/trades');
    expect(page.items.map((i) => i.id)).toEqual(newestFirst(tradeTimes()));
    const fill = page.items.find((i) => i.id === t.t4)!;
    expect(fill).toMatchObject({
      orderId: o.o4,
      userId: b.user.id,
      symbol: 'M&M',
      side: 'BUY',
      quantity: 3,
      price: '3590.00',
      broker: 'mock',
    });
    expect(fill).toHaveProperty('executedAt', at(300));
    const own = (await api.http.get('/api/v1/trades', b.token)).body.items.find((i: { id: string }) => i.id === t.t4);
    expect(fill).toEqual({ ...own, userId: b.user.id, broker: 'mock' });
  });

  it('narrows by each filter', async () => {
    const q = (qs: string) => ids(`/api/v1/compliance/trades?${qs}`);
    const all = tradeTimes();
    expect(await q(`userId=${a.user.id}`)).toEqual(pick(all, [t.t1!, t.t2!, t.t3!]));
    expect(await q(`userId=${b.user.id}`)).toEqual([t.t4]);
    expect(await q('symbol=m%26m')).toEqual(pick(all, [t.t2!, t.t3!, t.t4!]));
    expect(await q('symbol=TCS')).toEqual([]);
    expect(await q('side=SELL')).toEqual(pick(all, [t.t2!, t.t3!]));
    expect(await q(`orderId=${o.o2}`)).toEqual(pick(all, [t.t2!, t.t3!]));
    expect(await q('accountKind=paper')).toEqual(newestFirst(all));
    expect(await q('accountKind=upstox')).toEqual([]);
    expect(await q(`from=${at(200)}`)).toEqual(pick(all, [t.t2!, t.t3!, t.t4!]));
    expect(await q(`from=${at(200)}&to=${at(300)}`)).toEqual([t.t2]);
    expect(await q(`userId=${a.user.id}&symbol=M%26M&from=${at(250)}`)).toEqual([t.t3]);
  });

  it('pages walk every fill once, in order', async () => {
    for (const limit of [1, 3]) expect(await walk('/api/v1/compliance/trades', limit)).toEqual(newestFirst(tradeTimes()));
    expect(await walk('/api/v1/compliance/trades?symbol=M%26M', 1)).toEqual(pick(tradeTimes(), [t.t2!, t.t3!, t.t4!]));
  });
});

describe('the CSV exports', () => {
  it('stream every matching row oldest first with the owner’s email, defuse formulas, and are audited', async () => {
    const orders = await api.http.get(`/api/v1/compliance/orders/export.csv?userId=${b.user.id}`, compliance.token);
    expect(orders.status).toBe(200);
    expect(orders.headers.get('content-type')).toContain('text/csv');
    expect(orders.headers.get('content-disposition')).toMatch(/attachment; filename="orders-.*\.csv"/);
    const [header, ...lines] = orders.text.trim().split('\n');
    expect(header).toBe(
      'order_id,created_at,user_id,user_email,account_id,broker,symbol,side,type,product,validity,quantity,filled_quantity,price,trigger_price,average_price,status,reject_reason,client_tag,strategy_id,signal_id,broker_order_id,updated_at',
    );
    expect(lines.map((l) => l.split(',')[0])).toEqual(newestFirst(orderTimes().filter((r) => [o.o4, o.o5, o.o6].includes(r.id))).reverse());
    expect(lines.every((l) => l.includes(`,${b.user.email},`))).toBe(true);
    const rejected = lines.find((l) => l.startsWith(o.o5!))!;
    expect(rejected).toContain(`"'=HYPERLINK(""http://x.test"",""refused"")"`);
    expect(lines.find((l) => l.startsWith(o.o4!))).toContain(',M&M,BUY,LIMIT,MIS,DAY,3,3,3590.00,,3590.00,FILLED,');

    const trades = await api.http.get('/api/v1/compliance/trades/export.csv?symbol=m%26m', compliance.token);
    expect(trades.status).toBe(200);
    expect(trades.headers.get('content-disposition')).toMatch(/attachment; filename="trades-.*\.csv"/);
    const [tradeHeader, ...tradeLines] = trades.text.trim().split('\n');
    expect(tradeHeader).toBe(
      'trade_id,executed_at,user_id,user_email,order_id,broker,broker_trade_id,symbol,side,product,quantity,price,value,fees',
    );
    expect(tradeLines.map((l) => l.split(',')[0])).toEqual(pick(tradeTimes(), [t.t2!, t.t3!, t.t4!]).reverse());

    const audited = await get(`/api/v1/compliance/audit?action=surveillance.exported&actorId=${compliance.user.id}`);
    expect(
      audited.items.map((e) => [(e as unknown as { subject: string }).subject, (e as unknown as { details: unknown }).details]),
    ).toEqual([
      ['trades', { filters: { symbol: 'm&m' } }],
      ['orders', { filters: { userId: b.user.id } }],
    ]);
  });
});

describe('who may look, and bad filters', () => {
  const paths = [
    '/api/v1/compliance/orders',
    '/api/v1/compliance/trades',
    '/api/v1/compliance/orders/export.csv',
    '/api/v1/compliance/trades/export.csv',
  ];

  it('compliance and admins only: a trader gets 403, no token 401', async () => {
    const admin = await signedIn(api, ['admin']);
    const quant = await signedIn(api, ['quant', 'trader']);
    for (const path of paths) {
      expect((await api.http.get(path, a.token)).status, path).toBe(403);
      expect((await api.http.get(path, quant.token)).status, path).toBe(403);
      expect((await api.http.get(path)).status, path).toBe(401);
      expect((await api.http.get(path, admin.token)).status, path).toBe(200);
    }
  });

  it('refuses bad filters with a 400 problem naming the field', async () => {
    const ordersCursor = (await get('/api/v1/compliance/orders?limit=1')).nextCursor!;
    const tradesCursor = (await get('/api/v1/compliance/trades?limit=1')).nextCursor!;
    const cases: [string, string][] = [
      ['/api/v1/compliance/orders?userId=nope', 'userId'],
      ['/api/v1/compliance/orders?symbol=%20%20', 'symbol'],
      [`/api/v1/compliance/orders?symbol=${'X'.repeat(41)}`, 'symbol'],
      ['/api/v1/compliance/orders?status=DONE', 'status'],
      ['/api/v1/compliance/orders?side=HOLD', 'side'],
      ['/api/v1/compliance/orders?accountKind=zerodha', 'accountKind'],
      ['/api/v1/compliance/orders?placedBy=robot', 'placedBy'],
      ['/api/v1/compliance/orders?from=yesterday', 'from'],
      ['/api/v1/compliance/orders?to=2031-03-03', 'to'],
      [`/api/v1/compliance/orders?from=${at(10)}&to=${at(10)}`, 'from'],
      [`/api/v1/compliance/orders?from=${at(20)}&to=${at(10)}`, 'from'],
      ['/api/v1/compliance/orders?limit=0', 'limit'],
      ['/api/v1/compliance/orders?limit=501', 'limit'],
      ['/api/v1/compliance/orders?cursor=garbage', 'cursor'],
      [`/api/v1/compliance/orders?cursor=${b64(['surveillance-orders', '2031-02-31 00:00:00+00', randomUUID()])}`, 'cursor'],
      [`/api/v1/compliance/orders?cursor=${b64(['surveillance-orders', '2031-03-03 04:00:00.123+00', 'x'])}`, 'cursor'],
      [`/api/v1/compliance/trades?cursor=${b64(['surveillance-trades', '2031-03-03T04:00:00Z', randomUUID()])}`, 'cursor'],
      [`/api/v1/compliance/orders?cursor=${encodeURIComponent(tradesCursor)}`, 'cursor'],
      [`/api/v1/compliance/trades?cursor=${encodeURIComponent(ordersCursor)}`, 'cursor'],
      ['/api/v1/compliance/orders?orderId=' + randomUUID(), 'orderId'],
      ['/api/v1/compliance/trades?orderId=nope', 'orderId'],
      ['/api/v1/compliance/trades?status=FILLED', 'status'],
      ['/api/v1/compliance/trades?from=2031-13-01T00:00:00Z', 'from'],
      ['/api/v1/compliance/orders/export.csv?limit=5', 'limit'],
      ['/api/v1/compliance/orders/export.csv?side=sell', 'side'],
      [`/api/v1/compliance/trades/export.csv?from=${at(10)}&to=${at(0)}`, 'from'],
    ];
    for (const [path, field] of cases) {
      const res = await api.http.get(path, compliance.token);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toMatch(/application\/problem\+json/);
      expect(res.body.code, path).toBe('VALIDATION_FAILED');
      const fields = (res.body.errors ?? []).map((e: { field: string }) => e.field);
      expect(fields, path).toContain(field);
    }
  });
});
