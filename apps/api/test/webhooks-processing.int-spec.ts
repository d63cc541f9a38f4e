import { randomUUID } from 'node:crypto';
import { DEFAULT_ENGINE_CONFIG, EngineConfigsRepository, SourceCache } from '@tradeloop/alerts';
import { JOBS } from '@tradeloop/contracts';
import { demoUniverse, parsePrice, tradeValue, valueToPaise } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { APP_CONFIG, closeRedis, createRedis, Db, JobProducer, type AppConfig, type Sql } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { intakeLockKey } from '@tradeloop/trading';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { signedIn, useTestApi } from './support/test-api';
import { postSignedAlert } from './support/webhook-alerts';
import { untilQuotedEverywhere } from './support/steered-quotes';

/**
 * Alert processing end to end (docs/alerts.md "Processing", "Positions", "Engines"): a signed
 * alert is routed, both engines decide on one context (the routed decision and the shadow's, every
 * rule and agent recorded), an ENTER places one order per account through the order intake and the
 * paper fill opens a real alert position; a SKIP places nothing; a shadow ENTER opens a shadow
 * position at the LTP. A worker killed mid-decision and mid-order: the delivery completes once.
 * The engines config (PUT refusals field-named) and the comparison on a known set. Real API,
 * worker, Postgres, Redis.
 *
 * The engines are made deterministic by config, never by the clock: A allows SELL only (a BUY
 * fails DIRECTION_ALLOWED whatever the session), B enters at a threshold of 0 with no veto.
 */
// The simulated market is steered (the test seam), so RELIANCE prints at a known price and the paper broker fills at it.
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true' });

let worker: RunningProcess | undefined;
let trader: { id: string; token: string };
let paper: string;
const sql = () => api.app.get(Db).sql;
const LTP = parsePrice('2500');

type Source = { id: string; url: string; secret: string };

async function createSource(split: number): Promise<Source> {
  const res = await api.http.post(
    '/api/v1/webhooks',
    { name: `p-${split}-${randomUUID().slice(0, 6)}`, engine: { split }, accountIds: [paper] },
    trader.token,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Source;
}

let n = 0;
async function send(source: Source, action: 'buy' | 'sell' = 'buy') {
  const raw = JSON.stringify({ symbol: 'RELIANCE', action, quantity: 1, alert_id: `p-${++n}-${randomUUID()}` });
  const res = await postSignedAlert(api, source, raw);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.deliveryId as string;
}

const delivery = async (sourceId: string, id: string) => {
  const res = await api.http.get(`/api/v1/webhooks/${sourceId}/deliveries?limit=100`, trader.token);
  return (res.body.items as any[]).find((x) => x.id === id);
};

const until = (sourceId: string, id: string, statuses: string[], ms = 30_000) =>
  eventually(
    async () => {
      const d = await delivery(sourceId, id);
      return d && statuses.includes(d.status) ? d : null;
    },
    ms,
    `delivery ${id} ${statuses.join('|')}`,
  );

const stepsOf = (d: { steps: { step: string }[] }) => d.steps.map((s) => s.step);

const alertOrders = async () =>
  (await sql().one<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND client_tag = 'alert'`, [trader.id])).n;

const positionsOf = (deliveryId: string) =>
  sql().rows<{
    shadow: boolean;
    status: string;
    engine: string;
    account_id: string | null;
    entry_order_id: string | null;
    quantity: string;
    entry_price: string;
  }>(
    `SELECT shadow, status, engine, account_id, entry_order_id, quantity::text, entry_price::text FROM alert_positions WHERE delivery_id = $1 ORDER BY shadow`,
    [deliveryId],
  );

/** A BUY alert: A (SELL only) skips, B (threshold 0, no veto, wide limits) enters. */
async function deterministicEngines() {
  const c = DEFAULT_ENGINE_CONFIG;
  await api.app.get(EngineConfigsRepository).put(trader.id, {
    ...c,
    a: { ...c.a, directions: ['SELL'] },
    b: { ...c.b, entryThreshold: 0, vetoThreshold: 100, limits: { maxOpenPositions: 1000, maxExposure: 10n ** 15n } },
  });
}

/** Runs `work` in a transaction kept open (its locks held) until the returned release() rolls it back. */
async function holdOpen(work: (s: Sql) => Promise<void>, lock?: string): Promise<() => Promise<void>> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const done = api.app
    .get(Db)
    .tx(
      async (s) => {
        await work(s);
        ready();
        await gate;
        throw new Error('rollback');
      },
      lock ? { lock } : {},
    )
    .catch(() => undefined);
  await started;
  return async () => {
    release();
    await done;
  };
}

/** Backends of this database waiting on a lock, by what they run. */
const waiting = async (like: string) =>
  (
    await sql().one<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [like],
    )
  ).n;

const steerAndWait = async () => {
  const admin = await signedIn(api, ['admin']);
  const steered = await api.http.post('/api/v1/admin/market/steer', { symbol: 'RELIANCE', price: '2500' }, admin.token);
  expect(steered.status).toBe(200);
  // Both readers: the API answers from the ticks it received at once, the worker reads the shared
  // quotes hash the feed writes every 100 ms — an alert sent between the two was decided on no price.
  await untilQuotedEverywhere(api, ctx.config.REDIS_PREFIX, trader.token, 'RELIANCE', LTP, 30_000);
};

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
  paper = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  worker = await startWorker(ctx, await freePort());
  await steerAndWait();
  await deterministicEngines();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

let enterSource: Source;
let enterDelivery: string;
let skipSource: Source;
let skipDelivery: string;

describe('alert processing', () => {
  it('split 0 → engine B ENTER with every agent, shadow A with every rule; one paper order fills; a real alert position opens at the average price', async () => {
    const before = await alertOrders();
    enterSource = await createSource(0);
    enterDelivery = await send(enterSource);
    const d = await until(enterSource.id, enterDelivery, ['filled', 'rejected']);
    expect(d.status, JSON.stringify(d)).toBe('filled');
    expect(d.engine).toBe('B');
    expect(d.decision).toMatchObject({ engine: 'B', decision: 'ENTER', entryThreshold: 0, veto: false, quantity: 1, ltp: LTP });
    expect(d.decision.agents.map((a: { agent: string }) => a.agent)).toEqual([
      'context',
      'technical',
      'risk',
      'orb',
      'pattern',
      'squeeze',
      'ml',
    ]);
    for (const a of d.decision.agents)
      expect(a).toEqual(expect.objectContaining({ vote: expect.any(String), weight: expect.any(Number), reasons: expect.any(Array) }));
    expect(d.shadowDecision).toMatchObject({ engine: 'A', decision: 'SKIP', failed: expect.arrayContaining(['DIRECTION_ALLOWED']) });
    expect(d.shadowDecision.rules.map((r: { rule: string }) => r.rule)).toEqual([
      'SESSION_WINDOW',
      'ALLOWED_SYMBOL',
      'DIRECTION_ALLOWED',
      'MAX_OPEN_POSITIONS',
      'MAX_EXPOSURE',
      'NO_DUPLICATE_POSITION',
    ]);
    expect(typeof d.decision.latencyMs).toBe('number');
    expect(d.orderIds).toHaveLength(1);
    expect(stepsOf(d)).toEqual(['received', 'authenticated', 'deduplicated', 'routed', 'decided', 'ordered', 'filled']);
    expect(await alertOrders()).toBe(before + 1);

    // The order: MARKET MIS for 1 on the paper account, keyed alert:<delivery>:<account>, filled.
    const order = (await api.http.get(`/api/v1/orders/${d.orderIds[0]}`, trader.token)).body;
    expect(order).toMatchObject({
      symbol: 'RELIANCE',
      side: 'BUY',
      type: 'MARKET',
      product: 'MIS',
      quantity: 1,
      status: 'FILLED',
      accountId: paper,
      clientTag: 'alert',
    });
    const key = await sql().maybeOne<{ response: { order: { id: string } } }>(
      `SELECT response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [trader.id, `alert:${enterDelivery}:${paper}`],
    );
    expect(key?.response.order.id).toBe(d.orderIds[0]);

    const rows = await positionsOf(enterDelivery);
    expect(rows).toEqual([
      {
        shadow: false,
        status: 'open',
        engine: 'B',
        account_id: paper,
        entry_order_id: d.orderIds[0],
        quantity: '1',
        entry_price: String(parsePrice(order.averagePrice)),
      },
    ]);
  });

  it('split 100 → engine A SKIP (DIRECTION_ALLOWED): decided, no order; the shadow B ENTER opens a shadow position at the LTP, marked to market', async () => {
    const before = await alertOrders();
    skipSource = await createSource(100);
    skipDelivery = await send(skipSource);
    const d = await until(skipSource.id, skipDelivery, ['decided', 'rejected']);
    expect(d.status).toBe('decided');
    expect(d.engine).toBe('A');
    expect(d.decision).toMatchObject({ engine: 'A', decision: 'SKIP', failed: expect.arrayContaining(['DIRECTION_ALLOWED']) });
    expect(d.shadowDecision).toMatchObject({ engine: 'B', decision: 'ENTER' });
    expect(d.orderIds).toEqual([]);
    expect(stepsOf(d)).toEqual(['received', 'authenticated', 'deduplicated', 'routed', 'decided']);
    expect(await alertOrders()).toBe(before);
    expect(await positionsOf(skipDelivery)).toEqual([
      { shadow: true, status: 'open', engine: 'B', account_id: null, entry_order_id: null, quantity: '1', entry_price: String(LTP) },
    ]);
    const marked = await eventually(
      async () =>
        (
          await sql().maybeOne<{ mark_price: string }>(
            `SELECT mark_price::text FROM alert_positions WHERE delivery_id = $1 AND marked_at > opened_at`,
            [skipDelivery],
          )
        )?.mark_price ?? null,
      10_000,
      'the shadow position marked',
    );
    expect(marked).toBe(String(LTP));
  });

  it('the worker killed mid-decision and mid-order: after a restart each delivery completes once (one decision, one order)', async () => {
    const before = await alertOrders();
    await worker!.stop();
    worker = undefined;
    // Queued while no worker runs.
    const ordering = await send(enterSource);
    const deciding = await send(skipSource);
    // The order intake waits on the user's intake lock; the shadow position's insert waits on a
    // conflicting (uncommitted) row of the same delivery: both inside the worker's steps.
    const releaseIntake = await holdOpen(async () => undefined, intakeLockKey(trader.id));
    const releaseShadow = await holdOpen(async (s) => {
      await s.rows(
        `INSERT INTO alert_positions (id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity, entry_price, opened_at, exit_config)
         VALUES ($1, $2, $3, $4, NULL, 'B', true, 'RELIANCE', 'BUY', 1, 1, now(), '{}')`,
        [randomUUID(), deciding, skipSource.id, trader.id],
      );
    });
    try {
      worker = await startWorker(ctx, await freePort());
      await eventually(async () => ((await waiting('%pg_advisory_xact_lock%')) > 0 ? true : null), 30_000, 'the order intake waiting');
      await eventually(async () => ((await waiting('INSERT INTO alert_positions%')) > 0 ? true : null), 30_000, 'the decision waiting');
      // Mid-order: decided (committed), no order yet. Mid-decision: still routed (its transaction open).
      expect((await delivery(enterSource.id, ordering)).status).toBe('decided');
      expect((await delivery(skipSource.id, deciding)).status).toBe('routed');
      await worker.stop('SIGKILL');
      worker = undefined;
    } finally {
      await releaseShadow();
      await releaseIntake();
    }
    expect(await alertOrders()).toBe(before);
    // A new worker takes the stalled jobs over (BullMQ's stalled check, after the killed worker's lock expires).
    worker = await startWorker(ctx, await freePort());
    const o = await until(enterSource.id, ordering, ['filled', 'rejected'], 120_000);
    const s = await until(skipSource.id, deciding, ['decided', 'rejected'], 120_000);
    expect(o.status).toBe('filled');
    expect(stepsOf(o)).toEqual(['received', 'authenticated', 'deduplicated', 'routed', 'decided', 'ordered', 'filled']);
    expect(o.orderIds).toHaveLength(1);
    expect(await alertOrders()).toBe(before + 1);
    expect((await positionsOf(ordering)).filter((p) => !p.shadow)).toHaveLength(1);
    expect(s.status).toBe('decided');
    expect(stepsOf(s)).toEqual(['received', 'authenticated', 'deduplicated', 'routed', 'decided']);
    expect(await positionsOf(deciding)).toEqual([
      { shadow: true, status: 'open', engine: 'B', account_id: null, entry_order_id: null, quantity: '1', entry_price: String(LTP) },
    ]);
  }, 240_000);
});

describe('limits and failures', () => {
  const failureNotified = (deliveryId: string) =>
    eventually(
      async () => {
        const res = await api.http.get('/api/v1/notifications?limit=100', trader.token);
        return (
          (res.body.items as { kind: string; body: string }[]).find((x) => x.kind === 'webhook_failure' && x.body.includes(deliveryId)) ??
          null
        );
      },
      30_000,
      `a webhook_failure notification for ${deliveryId}`,
    );

  it("the source's maxOpenPositions: the entry past it is rejected with no order, and its owner is notified", async () => {
    const res = await api.http.post(
      '/api/v1/webhooks',
      { name: `cap-${randomUUID().slice(0, 6)}`, engine: { split: 0 }, accountIds: [paper], limits: { maxOpenPositions: 1 } },
      trader.token,
    );
    expect(res.status).toBe(201);
    const source = res.body as Source;
    const first = await until(source.id, await send(source), ['filled', 'rejected']);
    expect(first.status).toBe('filled');
    const before = await alertOrders();
    const id = await send(source);
    const d = await until(source.id, id, ['filled', 'rejected']);
    expect(d).toMatchObject({ status: 'rejected', rejectReason: 'maxOpenPositions 1 reached on this source', orderIds: [] });
    expect(stepsOf(d)).toEqual(['received', 'authenticated', 'deduplicated', 'routed', 'decided', 'rejected']);
    expect(await alertOrders()).toBe(before);
    const note = await failureNotified(id);
    expect(note.body).toContain('maxOpenPositions 1 reached');
  });

  it('an intake refusal (a bad signature) is notified to the source owner', async () => {
    const raw = JSON.stringify({ symbol: 'RELIANCE', action: 'buy', quantity: 1 });
    const res = await api.http.request('POST', enterSource.url, {
      raw,
      headers: {
        'content-type': 'application/json',
        'x-tradeloop-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-tradeloop-signature': 'sha256=00',
      },
    });
    expect(res.status).toBe(401);
    const list = await api.http.get(`/api/v1/webhooks/${enterSource.id}/deliveries?limit=100`, trader.token);
    const refused = (list.body.items as any[]).find((x) => x.status === 'intake_rejected' && x.httpStatus === 401);
    expect(refused).toBeTruthy();
    await failureNotified(refused.id);
  });
});

describe('intake follow-ups', () => {
  it('the hourly maintenance purge deletes ended dedup windows and keeps live ones', async () => {
    const source = await createSource(50);
    const hash = (c: string) => c.repeat(64);
    await sql().rows(
      `INSERT INTO webhook_dedup (source_id, body_sha256, delivery_id, expires_at)
       VALUES ($1, $2, $4, now() - interval '1 hour'), ($1, $3, $4, now() + interval '1 hour')`,
      [source.id, hash('a'), hash('b'), randomUUID()],
    );
    await api.app.get(JobProducer).enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 24 });
    const left = await eventually(
      async () => {
        const rows = await sql().rows<{ body_sha256: string }>(`SELECT body_sha256 FROM webhook_dedup WHERE source_id = $1`, [source.id]);
        return rows.length === 1 ? rows : null;
      },
      30_000,
      'the ended window purged',
    );
    expect(left).toEqual([{ body_sha256: hash('b') }]);
  });

  it("a source change made by another replica reaches this process's cache through Redis pub/sub, well within the TTL", async () => {
    const cache = api.app.get(SourceCache);
    const id = randomUUID();
    let loads = 0;
    const load = async () => {
      loads += 1;
      return { source: { id } as never, secret: 's' };
    };
    await cache.get(id, load);
    await cache.get(id, load);
    expect(loads).toBe(1);
    // Another replica's invalidation: published on the channel, not called here.
    const config = api.app.get<AppConfig>(APP_CONFIG);
    const other = createRedis(config.REDIS_URL, 'pubsub', 'test-other-replica');
    try {
      await other.publish(`${config.REDIS_PREFIX}:alerts:sources:invalidate`, id);
    } finally {
      await closeRedis(other);
    }
    // The TTL is 5 s: a reload within 2 s can only come from the message.
    await eventually(
      async () => {
        await cache.get(id, load);
        return loads === 2 ? true : null;
      },
      2_000,
      'the entry dropped by the message',
    );
  });
});

describe('engines config', () => {
  it('GET answers the defaults until saved; PUT refusals name each field and save nothing; a valid PUT is read back', async () => {
    const fresh = await signedIn(api, ['trader']);
    const got = await api.http.get('/api/v1/engines/config', fresh.token);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      a: {
        session: { from: '09:20', to: '15:00' },
        allowedSymbols: null,
        directions: ['BUY', 'SELL'],
        limits: { maxOpenPositions: 5, maxExposure: '500000.00' },
      },
      b: {
        weights: { context: 20, technical: 25, risk: 30, orb: 10, pattern: 5, squeeze: 5, ml: 5 },
        entryThreshold: 60,
        vetoThreshold: 80,
      },
      exit: { stopLossPct: 30, targetPct: 50 },
      updatedAt: null,
    });
    const put = (body: unknown) => api.http.request('PUT', '/api/v1/engines/config', { body, token: fresh.token });
    const a = got.body.a;
    const b = got.body.b;
    const bad = await put({
      a: { ...a, session: { from: '15:00', to: '09:20' }, limits: { ...a.limits, maxExposure: '-5' } },
      b: { ...b, weights: { ...b.weights, risk: 20 }, vetoThreshold: 101 },
      exit: { ...got.body.exit, stopLossPct: -1 },
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['a.session.to', 'a.limits.maxExposure', 'b.weights', 'b.vetoThreshold', 'exit.stopLossPct']),
    );
    // Shape refusals (unknown keys, wrong types, an empty body) are 400s too, never 500.
    for (const body of [{}, { a: { ...a, extra: 1 } }, { b: { ...b, weights: 'x' } }, { exit: null }, [], 'x'])
      expect((await put(body)).status, JSON.stringify(body)).toBe(400);
    expect((await api.http.get('/api/v1/engines/config', fresh.token)).body.updatedAt).toBeNull();

    const ok = await put({
      b: { ...b, entryThreshold: 55, weights: { ...b.weights, risk: 35, ml: 0 } },
      a: { ...a, limits: { maxOpenPositions: 3, maxExposure: '1000.50' } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const again = (await api.http.get('/api/v1/engines/config', fresh.token)).body;
    expect(again).toMatchObject({
      b: { entryThreshold: 55, weights: { risk: 35, ml: 0 } },
      a: { limits: { maxOpenPositions: 3, maxExposure: '1000.50' } },
    });
    expect(again.updatedAt).not.toBeNull();
    expect(again.exit).toEqual(got.body.exit);
  });
});

describe('engines compare', () => {
  it('per engine, real and shadow: decisions, enters, positions, win rate, P&L, drawdown and latency from the stored rows', async () => {
    // A known closed set on the skip source's shadow B: +10.00, −30.00, +5.00 (paise 1000, −3000, 500).
    const t0 = Date.now() - 3_600_000;
    for (const [i, pnl] of [1000, -3000, 500].entries()) {
      const id = randomUUID();
      await sql().rows(
        `INSERT INTO webhook_deliveries (id, source_id, received_at, status, accepted, http_status, raw_body, reject_reason, steps)
         VALUES ($1, $2, $3, 'intake_rejected', false, 400, '{}', 'fixture', '[]')`,
        [id, skipSource.id, new Date(t0 + i * 60_000)],
      );
      await sql().rows(
        `INSERT INTO alert_positions (id, delivery_id, source_id, user_id, account_id, engine, shadow, symbol, side, quantity, entry_price, opened_at,
           status, exit_tier, exit_rule, exit_price, closed_at, exit_config, realized_pnl_paise)
         VALUES ($1, $2, $3, $4, NULL, 'B', true, 'RELIANCE', 'BUY', 1, 25000000, $5, 'closed', 3, 'TARGET', 25000000, $6, '{}', $7)`,
        [randomUUID(), id, skipSource.id, trader.id, new Date(t0 + i * 60_000), new Date(t0 + i * 60_000 + 1000), pnl],
      );
    }
    const res = await api.http.get(`/api/v1/engines/compare?sourceId=${skipSource.id}`, trader.token);
    expect(res.status).toBe(200);
    const decided = (await api.http.get(`/api/v1/webhooks/${skipSource.id}/deliveries?limit=100`, trader.token)).body.items.filter(
      (d: any) => d.decision !== null,
    );
    expect(decided).toHaveLength(2);
    const lat = decided.map((d: any) => d.decision.latencyMs).sort((x: number, y: number) => x - y);
    const empty = {
      decisions: 0,
      enters: 0,
      skips: 0,
      positions: 0,
      open: 0,
      closed: 0,
      wins: 0,
      winRate: null,
      realizedPnlPaise: '0',
      openPnlPaise: '0',
      pnlPaise: '0',
      maxDrawdownPaise: '0',
      latencyMs: { p50: null, p99: null },
    };
    expect(res.body).toEqual({
      sourceId: skipSource.id,
      engines: [
        { engine: 'A', real: { ...empty, decisions: 2, skips: 2, latencyMs: { p50: lat[0], p99: lat[1] } }, shadow: empty },
        {
          engine: 'B',
          real: empty,
          shadow: {
            decisions: 2,
            enters: 2,
            skips: 0,
            positions: 5,
            open: 2,
            closed: 3,
            wins: 2,
            winRate: 2 / 3,
            realizedPnlPaise: '-1500',
            // Both open shadow positions entered at the LTP, still the LTP.
            openPnlPaise: '0',
            pnlPaise: '-1500',
            // Cumulative +1000 → −2000 → −1500: the fall from 1000 to −2000.
            maxDrawdownPaise: '3000',
            latencyMs: { p50: lat[0], p99: lat[1] },
          },
        },
      ],
    });

    // The enter source: B real with one open position valued at the LTP.
    const enter = (await api.http.get(`/api/v1/engines/compare?sourceId=${enterSource.id}`, trader.token)).body;
    const real = await sql().rows<{ entry_price: string }>(
      `SELECT entry_price::text FROM alert_positions WHERE source_id = $1 AND NOT shadow`,
      [enterSource.id],
    );
    expect(real).toHaveLength(2);
    const open = real.reduce((sum, r) => sum + valueToPaise(tradeValue(1, LTP)) - valueToPaise(tradeValue(1, Number(r.entry_price))), 0n);
    expect(enter.engines[1].real).toMatchObject({
      decisions: 2,
      enters: 2,
      positions: 2,
      open: 2,
      closed: 0,
      winRate: null,
      realizedPnlPaise: '0',
      openPnlPaise: open.toString(),
      pnlPaise: open.toString(),
    });
    expect(enter.engines[0].shadow).toMatchObject({ decisions: 2, enters: 0, skips: 2, positions: 0 });

    // Bad input: 400; another user's source or an unknown one: 404.
    expect((await api.http.get('/api/v1/engines/compare?sourceId=nope', trader.token)).status).toBe(400);
    expect((await api.http.get('/api/v1/engines/compare', trader.token)).status).toBe(400);
    const other = await signedIn(api, ['trader']);
    expect((await api.http.get(`/api/v1/engines/compare?sourceId=${skipSource.id}`, other.token)).status).toBe(404);
  });
});
