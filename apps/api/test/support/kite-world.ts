import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startProcess, waitForHttp, type RunningProcess, type TestContext } from '@tradeloop/testing';
import { FakeKite } from '@tradeloop/testing/kite-fake';
import type { TestApi } from './test-api';
import { eventually } from './market-socket';

const WORKER_MAIN = resolve(__dirname, '../../../worker/dist/main.js');

/**
 * A Kite world for a test file: the loopback fake Kite (libs/testing/src/kite-fake) whose app
 * registration redirects to our callback, and the configuration that points the API and the
 * worker at it. Call before `useTestApi(world.env)`: the env is filled in its own beforeAll, which
 * runs first. Live orders go out as regular orders at any hour (the fake would hold after-market
 * ones), and funds are read fresh for every margin check (no timing in the tests).
 */
export function useFakeKite(): { fake: FakeKite; env: Record<string, string> } {
  const fake = new FakeKite({ redirectUrl: 'http://browser.invalid/api/v1/brokers/kite/callback', heartbeatMs: 200 });
  const env: Record<string, string> = {};
  beforeAll(async () => {
    const e = await fake.start();
    Object.assign(env, {
      KITE_API_ROOT: e.apiRoot,
      KITE_LOGIN_URL: e.loginUrl,
      KITE_WS_ROOT: e.wsUrl,
      BROKER_FUNDS_CACHE_MS: '0',
      KITE_AFTER_HOURS: 'regular',
    });
  });
  afterAll(() => fake.stop());
  return { fake, env };
}

/** Starts the real worker process against the test file's database and Redis, and waits until it is ready. */
export async function startWorker(ctx: TestContext, healthPort: number, extra: Record<string, string> = {}): Promise<RunningProcess> {
  const w = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(healthPort),
    MARKET_FEED_TICKS_PER_SECOND: '200',
    LOG_LEVEL: process.env.DEBUG_WORKER_LOG_LEVEL ?? 'warn',
    ...extra,
  });
  await waitForHttp(`http://127.0.0.1:${healthPort}/health/ready`, w);
  return w;
}

/** POST /orders as `token`, with a fresh Idempotency-Key. */
export const placeOrder = (api: TestApi, token: string, body: Record<string, unknown>) =>
  api.http.request('POST', '/api/v1/orders', { body, token, headers: { 'idempotency-key': randomUUID() } });

/** Waits until the order reaches `status`; returns it (with its history). */
export const untilOrderStatus = (api: TestApi, token: string, id: string, status: string, ms = 30_000) =>
  eventually(
    async () => {
      const o = (await api.http.get(`/api/v1/orders/${id}`, token)).body;
      return o.status === status ? o : null;
    },
    ms,
    `order ${id} ${status}`,
  );

/**
 * Plays the browser through the daily login: our login URL → Kite's login page → Kite's redirect
 * → our callback. Returns where the callback sent the browser (`?login=ok|failed`).
 */
export async function logInToKite(api: TestApi, token: string, accountId: string): Promise<URL> {
  const { body } = await api.http.get(`/api/v1/broker-accounts/${accountId}/login`, token);
  const atKite = await fetch(body.url, { redirect: 'manual' });
  expect(atKite.status).toBe(302);
  const back = new URL(atKite.headers.get('location')!);
  const cb = await fetch(`${api.http.baseUrl}${back.pathname}${back.search}`, { redirect: 'manual' });
  expect(cb.status).toBe(302);
  return new URL(cb.headers.get('location')!, api.http.baseUrl);
}
