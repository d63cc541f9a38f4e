import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { demoUniverse, formatPrice, type PriceTicks } from '@tradeloop/domain';
import { InstrumentsRepository, marketKeys, parseWireTick } from '@tradeloop/market';
import { Db, REDIS } from '@tradeloop/platform';
import { LedgerVerifier } from '@tradeloop/wallet';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { HttpClient } from './support/http-client';
import { eventually } from './support/market-socket';
import { paperAccountId, paperFunds } from './support/paper-book';
import { untilQuotedEverywhere } from './support/steered-quotes';
import { signedIn, useTestApi } from './support/test-api';

/**
 * Scale-out (docs/architecture.md "Scale-out"): 2 API and 2 worker processes on one database and
 * one Redis prefix. Traders place paper orders (market, and resting limits) through both APIs
 * while a price alert watches the feed; the worker holding the market lease (feed, paper exchange,
 * paper queue) is SIGKILLed while orders are in flight, the traders keep placing, and the other
 * worker takes the lease over. Then: every accepted order filled exactly once (the mock broker
 * holds one order for it, its trades add up to its quantity, positions are the sum of the fills,
 * nothing is held any more, the ledger verifies), the resting limits placed before the kill fill
 * through the new holder, the feed ticks on, the alert fires once, and a socket on each API saw
 * each order event once.
 */
const PARTITIONS = 4;
const { api, ctx } = useTestApi(
  {
    MARKET_STEERING: 'true',
    WORKER_LEASE_TTL_MS: '3000',
    ORDER_JOB_LOCK_MS: '4000',
    ORDER_PARTITIONS: String(PARTITIONS),
    MARKET_FEED_TICKS_PER_SECOND: '200',
  },
  { logLevel: 'silent' },
);

const API_MAIN = resolve(__dirname, '../dist/main.js');
const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const RUPEE = 10_000;
const P0 = (1000 * RUPEE) as PriceTicks;
const LIMIT = (990 * RUPEE) as PriceTicks;
const LOW = (980 * RUPEE) as PriceTicks;
const SYMBOL = demoUniverse(new Date()).find((i) => i.instrumentType === 'EQ' && i.tickSize === 500 && i.lotSize === 1)!.symbol;
const OTHER = demoUniverse(new Date()).filter((i) => i.instrumentType === 'EQ' && i.symbol !== SYMBOL)[0]!.symbol;

interface Worker {
  proc: RunningProcess;
  health: string;
}
const procs: RunningProcess[] = [];
const sockets: Socket[] = [];

async function startApi(): Promise<HttpClient> {
  const port = await freePort();
  const proc = startProcess(API_MAIN, { ...ctx.env, PORT: String(port), LOG_LEVEL: 'warn' });
  procs.push(proc);
  await waitForHttp(`http://127.0.0.1:${port}/api/health/ready`, proc, 60_000);
  return new HttpClient(`http://127.0.0.1:${port}`);
}

async function startWorker(): Promise<Worker> {
  const port = await freePort();
  const proc = startProcess(WORKER_MAIN, { ...ctx.env, WORKER_HEALTH_PORT: String(port), LOG_LEVEL: 'warn' });
  procs.push(proc);
  const health = `http://127.0.0.1:${port}`;
  await waitForHttp(`${health}/health/ready`, proc, 60_000);
  return { proc, health };
}

/** `worker_leases_held{lease=…}` of one worker, by lease. */
async function leasesOf(w: Worker): Promise<Map<string, number>> {
  const text = await (await fetch(`${w.health}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^worker_leases_held\{[^}]*lease="([^"]+)"[^}]*\} (\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

interface OrderEvent {
  order: { id: string; status: string };
  seq: number;
}

function listen(base: HttpClient, token: string): Promise<{ socket: Socket; events: OrderEvent[] }> {
  const socket = io(`${base.baseUrl}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: OrderEvent[] = [];
  socket.on(REALTIME_EVENTS.orderUpdated, (e: OrderEvent) => events.push(e));
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error('socket not ready')), 15_000);
    socket.once('ready', () => {
      clearTimeout(t);
      res({ socket, events });
    });
  });
}

const sql = () => api.app.get(Db).sql;

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

describe('2 API + 2 worker processes, the market lease holder SIGKILLed mid-flow', () => {
  it('loses, doubles and stops nothing: orders fill once, resting limits fill through the new holder, the feed ticks on, sockets see each event once', async () => {
    await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
    const [apiA, apiB] = [await startApi(), await startApi()];
    const apis = [apiA, apiB];
    const workers = [await startWorker(), await startWorker()];

    // Exactly one worker holds the market lease; the partitions are shared between the two.
    const holders = await eventually(
      async () => {
        const leases = await Promise.all(workers.map(leasesOf));
        const market = leases.map((l) => l.get('market') ?? 0);
        const partitions = leases.map((l) => [...l].filter(([k, v]) => k.startsWith('orders-p') && v === 1).length);
        return market[0]! + market[1]! === 1 && partitions[0]! + partitions[1]! === PARTITIONS && partitions.every((n) => n > 0)
          ? market
          : null;
      },
      30_000,
      'one market holder, the partitions shared by both workers',
    );
    const victim = workers[holders.indexOf(1)]!;
    const survivor = workers[holders.indexOf(0)]!;

    const admin = await signedIn(api, ['admin']);
    const traders = await Promise.all(
      [0, 1, 2].map(async () => {
        const s = await signedIn(api, ['trader']);
        await paperAccountId(api, s.token);
        return { id: s.user.id, token: s.token, sockets: [await listen(apiA, s.token), await listen(apiB, s.token)] };
      }),
    );

    const steer = async (price: PriceTicks) => {
      const res = await apiA.post('/api/v1/admin/market/steer', { symbol: SYMBOL, price: formatPrice(price) }, admin.token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, admin.token, SYMBOL, price, 30_000);
    };
    await steer(P0);

    // A price alert below the market: it fires once the price is steered down, after the takeover.
    const alert = await apiB.post(
      '/api/v1/price-alerts',
      { symbol: SYMBOL, condition: 'below', price: formatPrice((985 * RUPEE) as PriceTicks) },
      traders[0]!.token,
    );
    expect(alert.status, JSON.stringify(alert.body)).toBe(201);

    const accepted: { id: string; userId: string; type: 'MARKET' | 'LIMIT'; phase: 'before' | 'during' | 'after' }[] = [];
    let placed = 0;
    const place = async (t: (typeof traders)[number], type: 'MARKET' | 'LIMIT', phase: 'before' | 'during' | 'after') => {
      const via = apis[placed++ % 2]!;
      const body = {
        symbol: SYMBOL,
        side: 'BUY',
        type,
        quantity: 1,
        product: 'CNC',
        ...(type === 'LIMIT' ? { price: formatPrice(LIMIT) } : {}),
      };
      const res = await via.request('POST', '/api/v1/orders', { body, token: t.token, headers: { 'idempotency-key': randomUUID() } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      accepted.push({ id: res.body.order.id, userId: t.id, type, phase });
    };
    const statusOf = async (ids: string[]) =>
      new Map(
        (await sql().rows<{ id: string; status: string }>(`SELECT id, status FROM orders WHERE id = ANY($1::uuid[])`, [ids])).map((r) => [
          r.id,
          r.status,
        ]),
      );

    // Before: two resting limits and two market orders per trader, through both APIs.
    for (const t of traders) for (const type of ['LIMIT', 'MARKET', 'LIMIT', 'MARKET'] as const) await place(t, type, 'before');
    await eventually(
      async () => {
        const s = await statusOf(accepted.map((o) => o.id));
        return accepted.every((o) => s.get(o.id) === (o.type === 'LIMIT' ? 'OPEN' : 'FILLED'));
      },
      30_000,
      'limits resting, market orders filled',
    );

    // During: each trader keeps placing market orders; the holder is SIGKILLed after a few of them.
    const killAfter = accepted.length + 6;
    let acceptedAtKill = Infinity;
    await Promise.all(
      traders.map(async (t) => {
        for (let i = 0; i < 8; i += 1) {
          await place(t, 'MARKET', 'during');
          if (accepted.length >= killAfter && acceptedAtKill === Infinity) {
            acceptedAtKill = accepted.length;
            victim.proc.child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(await victim.proc.exited).toBe('SIGKILL');
    // Orders kept coming after the kill, while no worker held the paper exchange.
    expect(accepted.length - acceptedAtKill).toBeGreaterThan(0);

    // The survivor takes the market lease (and every partition) within a few lease lifetimes.
    await eventually(
      async () => {
        const l = await leasesOf(survivor);
        return l.get('market') === 1 && [...l].filter(([k, v]) => k.startsWith('orders-p') && v === 1).length === PARTITIONS;
      },
      30_000,
      'the survivor holds the market lease and every partition',
    );
    const takenAt = Date.now();

    // The feed ticks on from the new holder: an unsteered symbol's quote moves past the takeover.
    const redis = api.app.get<Redis>(REDIS);
    await eventually(
      async () => (parseWireTick(await redis.hget(marketKeys(ctx.config.REDIS_PREFIX).quotes, OTHER))?.[1] ?? 0) > takenAt + 1000,
      30_000,
      `${OTHER} ticking after the takeover`,
    );

    // After: more orders through both APIs, then the price goes through the limits and the alert.
    for (const t of traders) for (const type of ['MARKET', 'LIMIT', 'MARKET'] as const) await place(t, type, 'after');
    await steer(LOW);

    await eventually(
      async () => {
        const s = await statusOf(accepted.map((o) => o.id));
        return accepted.every((o) => s.get(o.id) === 'FILLED');
      },
      90_000,
      'every accepted order FILLED',
    );

    // Nothing lost, nothing doubled: one exchange order per order, trades adding up to its quantity.
    const ids = accepted.map((o) => o.id);
    const userIds = traders.map((t) => t.id);
    const orders = await sql().rows<{ id: string; quantity: number; filled: number; broker_ids: number }>(
      `SELECT id, quantity, filled_quantity AS filled, cardinality(broker_order_ids) AS broker_ids FROM orders WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    expect(orders.map((o) => o.id).sort()).toEqual([...ids].sort());
    for (const o of orders) expect([o.quantity, o.filled, o.broker_ids], o.id).toEqual([1, 1, 1]);
    const atExchange = await sql().rows<{ n: number }>(`SELECT count(*)::int AS n FROM mock_broker.orders`);
    expect(atExchange[0]!.n).toBe(ids.length);
    const trades = await sql().rows<{ order_id: string; qty: number }>(
      `SELECT order_id, sum(quantity)::int AS qty FROM trades WHERE order_id = ANY($1::uuid[]) GROUP BY order_id`,
      [ids],
    );
    expect(trades).toHaveLength(ids.length);
    for (const t of trades) expect(t.qty, t.order_id).toBe(1);

    // Positions are the sum of the fills; nothing is held any more; the ledger verifies.
    for (const t of traders) {
      const mine = accepted.filter((o) => o.userId === t.id).length;
      await eventually(
        async () => {
          const res = await apiB.get('/api/v1/positions', t.token);
          return res.body.items?.find((p: { symbol: string }) => p.symbol === SYMBOL)?.netQuantity === mine;
        },
        15_000,
        `position of ${mine}`,
      );
      expect((await paperFunds(api, t.token)).held).toBe('0.00');
    }
    expect((await api.app.get(LedgerVerifier).verify()).ok).toBe(true);

    // The alert fired once, on the new holder's ticks.
    await eventually(
      async () =>
        (await sql().rows<{ status: string }>(`SELECT status FROM price_alerts WHERE id = $1`, [alert.body.id]))[0]?.status === 'triggered',
      30_000,
      'price alert triggered',
    );
    await eventually(
      async () =>
        (
          await sql().rows<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'price_alert'`, [
            traders[0]!.id,
          ])
        )[0]!.n === 1,
      30_000,
      'one price_alert notification',
    );

    // Each socket (one per API) saw each event once: no seq twice; an order filled after the
    // takeover (the limits from before the kill included) has exactly one FILLED event on each.
    // An order filled around the kill may have lost its event with the process (realtime is best
    // effort, a client sees the seq gap), but never has two.
    const filledAfter = new Set(accepted.filter((o) => o.phase === 'after' || o.type === 'LIMIT').map((o) => o.id));
    for (const t of traders) {
      await eventually(
        () =>
          t.sockets.every(({ events }) =>
            [...filledAfter].every(
              (id) =>
                accepted.find((o) => o.id === id)!.userId !== t.id || events.some((e) => e.order.id === id && e.order.status === 'FILLED'),
            ),
          ),
        15_000,
        'FILLED events on both sockets',
      );
      for (const { events } of t.sockets) {
        const seqs = events.map((e) => e.seq);
        expect(new Set(seqs).size, 'no seq twice').toBe(seqs.length);
        for (const o of accepted.filter((x) => x.userId === t.id)) {
          const fills = events.filter((e) => e.order.id === o.id && e.order.status === 'FILLED').length;
          if (filledAfter.has(o.id)) expect(fills, `${o.phase} ${o.type} ${o.id}`).toBe(1);
          else expect(fills).toBeLessThanOrEqual(1);
        }
      }
    }

    // The survivor is still up, still the only holder.
    expect(survivor.proc.child.exitCode).toBeNull();
    expect((await leasesOf(survivor)).get('market')).toBe(1);
  }, 300_000);
});
