import { FakeUpstox } from '@tradeloop/testing/upstox-fake';
import type { TestApi } from './test-api';

/**
 * An Upstox world for a test file: the loopback fake Upstox (libs/testing/src/upstox-fake: the API
 * root and the order host on two ports, the portfolio stream) whose app registration redirects
 * to our callback, and the configuration that points the API and the worker at it. Call before
 * `useTestApi(world.env)`. Live orders go out as regular orders at any hour, and funds are read
 * fresh for every margin check.
 */
export function useFakeUpstox(): { fake: FakeUpstox; env: Record<string, string> } {
  const fake = new FakeUpstox({ redirectUri: 'http://browser.invalid/api/v1/brokers/upstox/callback', heartbeatMs: 200 });
  const env: Record<string, string> = {};
  beforeAll(async () => {
    const e = await fake.start();
    Object.assign(env, {
      UPSTOX_API_ROOT: e.apiRoot,
      UPSTOX_ORDER_ROOT: e.orderRoot,
      BROKER_FUNDS_CACHE_MS: '0',
      UPSTOX_AFTER_HOURS: 'regular',
    });
  });
  afterAll(() => fake.stop());
  return { fake, env };
}

/**
 * Plays the browser through the daily login: our login URL → Upstox's dialog → its redirect with
 * `code` and `state` → our callback. Returns the callback's address (to replay it) and where it sent the browser.
 */
export async function logInToUpstox(api: TestApi, token: string, accountId: string): Promise<{ callback: string; outcome: URL }> {
  const { body } = await api.http.get(`/api/v1/broker-accounts/${accountId}/login`, token);
  const atUpstox = await fetch(body.url, { redirect: 'manual' });
  expect(atUpstox.status).toBe(302);
  const back = new URL(atUpstox.headers.get('location')!);
  const callback = `${api.http.baseUrl}${back.pathname}${back.search}`;
  const cb = await fetch(callback, { redirect: 'manual' });
  expect(cb.status).toBe(302);
  return { callback, outcome: new URL(cb.headers.get('location')!, api.http.baseUrl) };
}
