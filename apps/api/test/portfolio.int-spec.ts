import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { demoUniverse, istDayStart, type BrokerOrderReport, type OrderId } from '@tradeloop/domain';
import { CandlesRepository, InstrumentsRepository, marketKeys } from '@tradeloop/market';
import { REDIS } from '@tradeloop/platform';
import { DescribeLedgerReferencesQuery, ExecutionService } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';

/**
 * `GET /api/v1/portfolio` and `/pnl-history` on fills made by the execution engine as the worker
 * would (no worker, no feed): quotes and daily closes are written where the feed keeps them.
 */
const { api, ctx } = useTestApi({}, { logLevel: 'warn' });
const R = 10_000;
const DAY = 86_400_000;

async function place(token: string, body: Record<string, unknown>): Promise<OrderId> {
  const res = await api.http.request('POST', '/api/v1/orders', {
    body: { side: 'BUY', type: 'LIMIT', product: 'CNC', ...body },
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.order.id;
}

/** The broker fills the whole order at `price` (₹) at `at`. */
async function fill(id: OrderId, quantity: number, price: number, at: number) {
  const ex = api.app.get(ExecutionService);
  expect((await ex.beginSend(id)).action).toBe('send');
  const broker = `PF${randomUUID().slice(0, 8)}`;
  await ex.accepted(id, [broker], 'sent');
  const report = { status: 'FILLED', filledQuantity: quantity, averagePrice: price * R, updatedAt: at } as BrokerOrderReport;
  expect(await ex.applyReport(id, broker, report, at)).toBe('applied');
}

async function quote(symbol: string, ltp: number, prevClose: number) {
  const tick = [symbol, Date.now(), ltp * R, ltp * R, ltp * R, 0, prevClose * R, 1];
  await api.app.get<Redis>(REDIS).hset(marketKeys(ctx.config.REDIS_PREFIX).quotes, symbol, JSON.stringify(tick));
}

const istDate = (ts: number) => new Date(ts + 19_800_000).toISOString().slice(0, 10);
/** The last weekday before today (IST), at 11:00 IST. */
function lastWeekday(now: number): number {
  let d = istDayStart(now) - DAY;
  while ([0, 6].includes(new Date(d + 19_800_000).getUTCDay())) d -= DAY;
  return d + 5.5 * 3_600_000;
}

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('GET /api/v1/portfolio', () => {
  it('lists CNC equity holdings marked to their quotes, and today’s P&L by the daily-loss rule', async () => {
    const t = await signedIn(api, ['trader']);
    const now = Date.now();
    await fill(await place(t.token, { symbol: 'RELIANCE', price: '1400.00', quantity: 10 }), 10, 1400, now);
    await fill(await place(t.token, { symbol: 'M&M', price: '3600.00', quantity: 2 }), 2, 3600, now);
    // An intraday (MIS) position is no holding, but counts in the day's P&L.
    await fill(await place(t.token, { symbol: 'SBIN', price: '800.00', quantity: 5, product: 'MIS' }), 5, 800, now);
    await quote('RELIANCE', 1410, 1395);
    await quote('M&M', 3590, 3580);
    await quote('SBIN', 801, 790);

    const res = await api.http.get('/api/v1/portfolio', t.token);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.holdings.map((h: { symbol: string }) => h.symbol).sort()).toEqual(['M&M', 'RELIANCE']);
    const reliance = p.holdings.find((h: { symbol: string }) => h.symbol === 'RELIANCE');
    expect(reliance).toMatchObject({
      quantity: 10,
      averagePrice: '1400.00',
      ltp: '1410.00',
      prevClose: '1395.00',
      invested: '14000.00',
      currentValue: '14100.00',
      pnl: '100.00',
      dayChange: '150.00',
    });
    // RELIANCE +100, M&M 2 × −10 = −20: holdings; SBIN 5 × +1 = +5 only in the day's P&L.
    expect(p.holdingsTotal).toEqual({ invested: '21200.00', currentValue: '21280.00', pnl: '80.00', dayChange: '170.00' });
    expect(p).toMatchObject({ dayPnl: '85.00', realizedToday: '0.00', unrealized: '85.00', openPositions: 3 });

    // A sale realizes: half the RELIANCE at 1420 → +100 realized today, 5 left at 1410 → +50 open.
    await fill(await place(t.token, { symbol: 'RELIANCE', side: 'SELL', price: '1420.00', quantity: 5 }), 5, 1420, now + 1);
    const after = (await api.http.get('/api/v1/portfolio', t.token)).body;
    expect(after).toMatchObject({ realizedToday: '100.00', unrealized: '35.00', dayPnl: '135.00' });
    expect(after.holdings.find((h: { symbol: string }) => h.symbol === 'RELIANCE')).toMatchObject({ quantity: 5, pnl: '50.00' });
  });

  it('is the caller’s own and for traders; a new trader has an empty one', async () => {
    const t = await signedIn(api, ['trader']);
    expect((await api.http.get('/api/v1/portfolio', t.token)).body).toMatchObject({
      dayPnl: '0.00',
      openPositions: 0,
      holdings: [],
      holdingsTotal: { invested: '0.00', currentValue: '0.00', pnl: '0.00', dayChange: '0.00' },
    });
    const quant = await signedIn(api, ['quant']);
    expect((await api.http.get('/api/v1/portfolio', quant.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/portfolio')).status).toBe(401);
  });
});

describe('GET /api/v1/portfolio/pnl-history', () => {
  it('replays the fills to each weekday’s close: the daily close marks the past, the quote today', async () => {
    const t = await signedIn(api, ['trader']);
    const now = Date.now();
    const before = lastWeekday(now);
    await fill(await place(t.token, { symbol: 'INFY', price: '1500.00', quantity: 4 }), 4, 1500, before);
    // That day's close, as a daily bar; today's mark is the quote.
    await api.app
      .get(CandlesRepository)
      .upsert('INFY', '1d', [{ ts: istDayStart(before), open: 1500 * R, high: 1530 * R, low: 1490 * R, close: 1525 * R, volume: 100 }]);
    await quote('INFY', 1510, 1525);
    const res = await api.http.get('/api/v1/portfolio/pnl-history?days=10', t.token);
    expect(res.status).toBe(200);
    const points = res.body.points as { day: string; realized: string; unrealized: string; charges: string; net: string }[];
    expect(points.every((p) => ![0, 6].includes(new Date(`${p.day}T00:00:00Z`).getUTCDay()))).toBe(true);
    expect(points.map((p) => p.day)).toEqual([...points.map((p) => p.day)].sort());
    const at = (day: string) => points.find((p) => p.day === day)!;
    expect(at(istDate(before))).toMatchObject({ realized: '0.00', unrealized: '100.00' }); // 4 × (1525 − 1500)
    expect(at(istDate(now))).toMatchObject({ realized: '0.00', unrealized: '40.00' }); // 4 × (1510 − 1500)
    // Money as integer paise, never through floats: net = 40.00 − charges.
    const paiseOf = (rupees: string) => BigInt(rupees.replace('.', ''));
    const charges = paiseOf(at(istDate(now)).charges);
    expect(charges).toBeGreaterThan(0n);
    expect(paiseOf(at(istDate(now)).net)).toBe(4_000n - charges);
    // Days before the fill are flat.
    expect(points.filter((p) => p.day < istDate(before)).every((p) => p.net === '0.00')).toBe(true);
  });

  it('refuses a bad range with a 400 problem', async () => {
    const t = await signedIn(api, ['trader']);
    for (const qs of ['days=0', 'days=366', 'days=x', 'days=5&y=1']) {
      const res = await api.http.get(`/api/v1/portfolio/pnl-history?${qs}`, t.token);
      expect(res.status, qs).toBe(400);
    }
  });
});

describe('ledger entries say which order they are about', () => {
  it('a hold and its release name the order; a settlement names the order and the fill; only the owner’s', async () => {
    const t = await signedIn(api, ['trader']);
    const other = await signedIn(api, ['trader']);
    const compliance = await signedIn(api, ['compliance']);
    const id = await place(t.token, { symbol: 'M&M', price: '3600.00', quantity: 3 });
    await fill(id, 3, 3590, Date.now());
    const accounts = (await api.http.get('/api/v1/broker-accounts', t.token)).body.items as { id: string; kind: string }[];
    const paper = accounts.find((a) => a.kind === 'paper')!.id;
    const page = await api.http.get(`/api/v1/compliance/ledger?paperAccountId=${paper}&limit=100`, compliance.token);
    expect(page.status).toBe(200);
    const mine = (page.body.items as { reference: string; type: string; order: unknown }[]).filter((e) => e.order !== null);
    expect(mine.length).toBeGreaterThan(0);
    for (const e of mine) {
      expect(e.order).toMatchObject({ orderId: id, symbol: 'M&M', side: 'BUY', quantity: 3 });
    }
    const hold = mine.find((e) => e.reference === id)!;
    expect(hold.order).toMatchObject({ fill: null });
    const settle = mine.find((e) => e.reference !== id)!;
    expect(settle.order).toMatchObject({ fill: { quantity: 3, price: '3590.00' } });
    // A deposit-like entry (the paper book's opening balance) is about no order.
    expect(
      (page.body.items as { type: string; order: unknown }[]).filter((e) => e.type === 'SET_BALANCE').every((e) => e.order === null),
    ).toBe(true);
    // Confined to the owner: another user asking about the same references learns nothing.
    const refs = mine.map((e) => e.reference);
    expect((await api.app.get(DescribeLedgerReferencesQuery).byReference(refs, other.user.id as never)).size).toBe(0);
    expect((await api.app.get(DescribeLedgerReferencesQuery).byReference(refs, t.user.id as never)).size).toBe(new Set(refs).size);
    expect((await api.http.get('/api/v1/wallet/entries', t.token)).status).toBe(200);
  });
});
