import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoUniverse, formatPrice, parsePrice, type PriceTicks } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { FirePriceAlertUseCase, InstrumentsRepository, PriceAlertsRepository, toWatchedPriceAlert } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { untilQuotedEverywhere } from './support/steered-quotes';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';

/**
 * Price alerts end to end (docs/alerts.md "Price alerts", docs/api.md "Price alerts"): the API's
 * routes, and the real worker's engine on the simulated feed, whose price the test steers
 * (MARKET_STEERING, POST /api/v1/admin/market/steer). Every wait is on a state: a quote seen
 * everywhere, an alert triggered, a notification stored. "Nothing happened" is shown by a
 * sentinel alert set further on, which fires only once the engine has judged the ticks past the
 * level in question. Each case steers its own symbol.
 */
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true', NOTIFY_WEBHOOK_PRIVATE_TARGETS: 'true' });

let worker: RunningProcess;
let admin: { token: string };
/** A webhook receiver on loopback: the bodies of the signed webhook channel's deliveries. */
let receiver: Server;
const received: { event: string; title: string }[] = [];
const steered = new Set<string>();
const sql = () => api.app.get(Db).sql;

async function steer(symbol: string, price: string | null): Promise<void> {
  const res = await api.http.post('/api/v1/admin/market/steer', { symbol, price }, admin.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  steered.add(symbol);
}

/** Steers `symbol` to `price` and waits until the API and the shared quotes (what the worker's feed printed) show it. */
async function steerTo(symbol: string, price: string, token: string): Promise<void> {
  await steer(symbol, price);
  await untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, token, symbol, parsePrice(price));
}

const create = (token: string, body: Record<string, unknown>) => api.http.post('/api/v1/price-alerts', body, token);
const list = async (token: string) => (await api.http.get('/api/v1/price-alerts', token)).body.items as Record<string, unknown>[];
const del = (token: string, id: string) => api.http.request('DELETE', `/api/v1/price-alerts/${id}`, { token });

async function untilTriggered(token: string, id: string, ms = 15_000) {
  return eventually(
    async () => (await list(token)).find((a) => a.id === id && a.status === 'triggered'),
    ms,
    `price alert ${id} triggered`,
  );
}

/** The caller's price_alert notifications. */
async function priceAlertNotifications(token: string) {
  const res = await api.http.get('/api/v1/notifications?limit=100', token);
  expect(res.status).toBe(200);
  return (res.body.items as { kind: string; title: string; body: string }[]).filter((n) => n.kind === 'price_alert');
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as { event: string; title: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  admin = await signedIn(api, ['admin']);
  worker = await startWorker(ctx, await freePort(), { MARKET_FEED_TICKS_PER_SECOND: '500' });
}, 60_000);

afterAll(async () => {
  for (const symbol of steered) await steer(symbol, null).catch(() => undefined);
  await worker?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('price alerts', () => {
  it('an alert above fires once when the steered price crosses, records the price and time, and notifies the owner in-app and through their channel; a second crossing does nothing', async () => {
    const trader = await signedIn(api, ['trader']);
    // A channel of the trader's that picks price alerts: a signed webhook to the receiver.
    const port = (receiver.address() as AddressInfo).port;
    const channel = await api.http.post(
      '/api/v1/notifications/channels',
      { kind: 'webhook', target: `http://127.0.0.1:${port}/hook`, events: ['price_alert'], format: 'signed' },
      trader.token,
    );
    expect(channel.status, channel.text).toBe(201);
    await steerTo('INFY', '1500.00', trader.token);

    const made = await create(trader.token, { symbol: 'infy', condition: 'above', price: '1510.00', note: 'breakout' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toEqual({
      id: expect.any(String),
      symbol: 'INFY',
      condition: 'above',
      price: '1510.00',
      note: 'breakout',
      status: 'active',
      createdAt: expect.any(String),
      triggeredAt: null,
      triggerPrice: null,
    });
    const below = await create(trader.token, { symbol: 'INFY', condition: 'below', price: '1400.00' });
    expect(below.status).toBe(201);
    expect((await list(trader.token)).map((a) => [a.id, a.status])).toEqual([
      [below.body.id, 'active'],
      [made.body.id, 'active'],
    ]);

    // Below the level nothing fires; then the price crosses it.
    const before = Date.now();
    await steerTo('INFY', '1512.00', trader.token);
    const fired = await untilTriggered(trader.token, made.body.id);
    expect(fired).toMatchObject({ status: 'triggered', triggerPrice: '1512.00', price: '1510.00' });
    const at = Date.parse(fired.triggeredAt as string);
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now());

    const notes = await eventually(async () => {
      const n = await priceAlertNotifications(trader.token);
      return n.length > 0 ? n : null;
    }, 15_000);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      title: 'Price alert: INFY above ₹1510.00',
      body: expect.stringContaining("INFY traded at ₹1512.00, at or above your alert's ₹1510.00."),
    });
    expect(notes[0]!.body).toContain('Note: breakout');
    // And through the channel that picks them.
    await eventually(() => received.some((r) => r.event === 'price_alert'), 15_000, 'the webhook delivery');
    expect(received).toEqual([expect.objectContaining({ event: 'price_alert', title: 'Price alert: INFY above ₹1510.00' })]);
    await eventually(
      async () =>
        (await sql().maybeOne(`SELECT 1 FROM price_alerts WHERE id = $1 AND notified_at IS NOT NULL`, [made.body.id])) !== undefined,
      5_000,
      'the alert marked notified',
    );

    // Back under and over again, further: the triggered alert stays as it was. The sentinel (set
    // above the second peak's start, so it fires on it) proves the engine judged those ticks.
    await steerTo('INFY', '1500.00', trader.token);
    const sentinel = await create(trader.token, { symbol: 'INFY', condition: 'above', price: '1515.00' });
    await steerTo('INFY', '1520.00', trader.token);
    await untilTriggered(trader.token, sentinel.body.id);
    const again = (await list(trader.token)).find((a) => a.id === made.body.id)!;
    expect(again).toEqual(fired);
    await eventually(async () => (await priceAlertNotifications(trader.token)).length === 2, 15_000, 'the sentinel notified');
    const titles = (await priceAlertNotifications(trader.token)).map((n) => n.title).sort();
    expect(titles).toEqual(['Price alert: INFY above ₹1510.00', 'Price alert: INFY above ₹1515.00']);

    // The alert below is still waiting; the price falls to it.
    expect((await list(trader.token)).find((a) => a.id === below.body.id)?.status).toBe('active');
    await steerTo('INFY', '1399.95', trader.token);
    expect(await untilTriggered(trader.token, below.body.id)).toMatchObject({ triggerPrice: '1399.95' });
    // Active first, then triggered, latest first.
    expect((await list(trader.token)).map((a) => a.id)).toEqual([below.body.id, sentinel.body.id, made.body.id]);
  });

  it('fires once however many attempts race for it (two engines, a tick flood): one trigger, one notification', async () => {
    const trader = await signedIn(api, ['trader']);
    // Far above the market: the worker's engine never reaches it; the attempts below are the race.
    const made = await create(trader.token, { symbol: 'TCS', condition: 'above', price: '99999.00' });
    expect(made.status).toBe(201);
    const row = (await api.app.get(PriceAlertsRepository).active(sql(), [made.body.id]))[0]!;
    const fire = api.app.get(FirePriceAlertUseCase);
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => fire.fire(toWatchedPriceAlert(row), (999_990_000 + i * 500) as PriceTicks, new Date())),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: made.body.id, status: 'triggered' });
    const stored = (await list(trader.token)).find((a) => a.id === made.body.id)!;
    expect(stored).toEqual(winners[0]);
    // A price that does not reach the level never triggers, even on an active alert.
    const other = await create(trader.token, { symbol: 'TCS', condition: 'above', price: '99999.00' });
    const otherRow = (await api.app.get(PriceAlertsRepository).active(sql(), [other.body.id]))[0]!;
    expect(await fire.fire(toWatchedPriceAlert(otherRow), 999_980_000 as PriceTicks, new Date())).toBeNull();
    await eventually(async () => (await priceAlertNotifications(trader.token)).length === 1, 15_000, 'the one notification');
    // The sweep of triggered alerts never notified adds nothing for one that was.
    await fire.notifyPending(new Date(Date.now() + 60_000));
    expect(await sql().maybeOne(`SELECT 1 FROM price_alerts WHERE id = $1 AND notified_at IS NOT NULL`, [made.body.id])).toBeDefined();
    expect(await priceAlertNotifications(trader.token)).toHaveLength(1);
  });

  it('a triggered alert whose notification was never handed over (a worker died in between) is notified by the sweep', async () => {
    const trader = await signedIn(api, ['trader']);
    const made = await create(trader.token, { symbol: 'TCS', condition: 'below', price: '1.00' });
    const repo = api.app.get(PriceAlertsRepository);
    // The trigger committed, and nothing after it: what a SIGKILL between the two leaves.
    expect(await repo.trigger(sql(), made.body.id, 5_000 as PriceTicks, new Date(Date.now() - 10_000))).toBeDefined();
    await eventually(async () => (await priceAlertNotifications(trader.token)).length === 1, 20_000, 'the swept notification');
    expect((await priceAlertNotifications(trader.token))[0]!.title).toBe('Price alert: TCS below ₹1.00');
  });

  it('refuses bad input with 400 problem documents naming the field', async () => {
    const trader = await signedIn(api, ['trader']);
    const cases: [Record<string, unknown>, string][] = [
      [{ symbol: 'NOSUCHSYMBOL', condition: 'above', price: '100.00' }, 'symbol'],
      [{ symbol: 'INFY', condition: 'above', price: '1500.03' }, 'price'],
      [{ symbol: 'INFY', condition: 'above', price: 1500 }, 'price'],
      [{ symbol: 'INFY', condition: 'above', price: '0' }, 'price'],
      [{ symbol: 'INFY', condition: 'above', price: '-5.00' }, 'price'],
      [{ symbol: 'INFY', condition: 'above', price: '1,500.00' }, 'price'],
      [{ symbol: 'INFY', condition: 'sideways', price: '1500.00' }, 'condition'],
      [{ symbol: 'INFY', price: '1500.00' }, 'condition'],
      [{ condition: 'above', price: '1500.00' }, 'symbol'],
      [{ symbol: '   ', condition: 'above', price: '1500.00' }, 'symbol'],
      [{ symbol: 'INFY', condition: 'above', price: '1500.00', note: 'x'.repeat(201) }, 'note'],
      [{ symbol: 'INFY', condition: 'above', price: '1500.00', note: 'two\nlines' }, 'note'],
    ];
    for (const [body, field] of cases) {
      const res = await create(trader.token, body);
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(res.body),
      ).toContain(field);
    }
    const extra = await create(trader.token, { symbol: 'INFY', condition: 'above', price: '1500.00', quantity: 1 });
    expect(extra.status).toBe(400);
    expect((await list(trader.token)).length).toBe(0);
    // Signed out: 401.
    expect((await api.http.get('/api/v1/price-alerts')).status).toBe(401);
    expect((await api.http.post('/api/v1/price-alerts', { symbol: 'INFY', condition: 'above', price: '1500.00' })).status).toBe(401);
  });

  it('caps active alerts per user at 100 (409); a triggered or deleted one makes room', async () => {
    const trader = await signedIn(api, ['trader']);
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      const res = await create(trader.token, { symbol: 'HDFCBANK', condition: 'above', price: formatPrice((50_000 + i) * 10_000) });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
    const over = await create(trader.token, { symbol: 'HDFCBANK', condition: 'above', price: '1.00' });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('CONFLICT');
    expect((await del(trader.token, ids[0]!)).status).toBe(204);
    expect((await create(trader.token, { symbol: 'HDFCBANK', condition: 'above', price: '49999.00' })).status).toBe(201);
    // Another user's cap is their own.
    const other = await signedIn(api, ['trader']);
    expect((await create(other.token, { symbol: 'HDFCBANK', condition: 'above', price: '1.00' })).status).toBe(201);
  });

  it("keeps each user's alerts their own (404), deletes them, and a deleted alert never fires", async () => {
    const owner = await signedIn(api, ['trader']);
    const stranger = await signedIn(api, ['trader']);
    await steerTo('SBIN', '800.00', owner.token);
    const made = await create(owner.token, { symbol: 'SBIN', condition: 'above', price: '805.00' });
    expect(made.status).toBe(201);
    expect(await list(stranger.token)).toEqual([]);
    expect((await del(stranger.token, made.body.id)).status).toBe(404);
    const missing = await del(owner.token, randomUUID());
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await del(owner.token, 'not-a-uuid')).status).toBe(404);
    expect((await list(owner.token)).map((a) => a.id)).toEqual([made.body.id]);

    expect((await del(owner.token, made.body.id)).status).toBe(204);
    expect((await del(owner.token, made.body.id)).status).toBe(404);
    expect(await list(owner.token)).toEqual([]);

    // Crossing its level after the delete fires nothing: the sentinel (further up) fires, the deleted alert stays gone.
    const sentinel = await create(owner.token, { symbol: 'SBIN', condition: 'above', price: '808.00' });
    await steerTo('SBIN', '810.00', owner.token);
    await untilTriggered(owner.token, sentinel.body.id);
    expect(await sql().maybeOne(`SELECT 1 FROM price_alerts WHERE id = $1`, [made.body.id])).toBeUndefined();
    await eventually(async () => (await priceAlertNotifications(owner.token)).length === 1, 15_000, 'the sentinel notified');
    expect((await priceAlertNotifications(owner.token)).map((n) => n.title)).toEqual(['Price alert: SBIN above ₹808.00']);
    // A triggered alert can be deleted too.
    expect((await del(owner.token, sentinel.body.id)).status).toBe(204);
    expect(await list(owner.token)).toEqual([]);
  });
});
