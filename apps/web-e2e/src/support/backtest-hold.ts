import { expect, test, type APIRequestContext } from '@playwright/test';

/** The stack's backtest control (start-stack.mjs, on the app's port + 2). */
function control(action: string): string {
  const app = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1:3417');
  return `http://127.0.0.1:${Number(app.port) + 2}/backtests/${action}`;
}

async function post(request: APIRequestContext, action: string, data: object = {}) {
  const res = await request.post(control(action), { data });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * A backtest held running whatever the machine's speed, as the API's int tests hold one:
 * `pauseBacktests` before it is started (the worker takes no backtest job, so it stays queued),
 * then `holdBacktest` takes a key-share lock on its row and lets the worker take it — it is
 * claimed, beats and can be asked to cancel, but cannot store its results — until
 * `releaseBacktest` (which also lets jobs through if the hold was never taken; call it in finally).
 */
export const pauseBacktests = (request: APIRequestContext) => post(request, 'pause');
export const holdBacktest = (request: APIRequestContext, id: string) => post(request, 'hold', { id });
export const releaseBacktest = (request: APIRequestContext) => post(request, 'release');
