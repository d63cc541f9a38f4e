import { expect, test, type APIRequestContext } from '@playwright/test';
import { grantRoles, logIn, registerUser, shot } from './support/fixtures';

const DAY_MS = 86_400_000;

/** Waits for the strategy's newest run to have a minute snapshot (the worker's loop looks every 15 s). */
async function untilSnapshot(request: APIRequestContext, headers: Record<string, string>, strategyId: string) {
  await expect
    .poll(
      async () => {
        const items = (
          (await (await request.get(`/api/v1/runs?strategyId=${strategyId}`, { headers })).json()) as { items: { points: number }[] }
        ).items;
        return items[0]?.points ?? 0;
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toBeGreaterThan(0);
}

test('a quant compares two runs of a paper strategy and one with a backtest: runs with their metrics, equity on one chart, the divergence', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const quant = await registerUser(request, 'runs');
  await grantRoles(request, quant.id, ['trader', 'quant']);
  const login = await request.post('/api/v1/auth/login', { data: { email: quant.email, password: quant.password } });
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };

  // A paper sma-crossover strategy on RELIANCE, started and stopped twice (two runs with minute snapshots).
  const created = await request.post('/api/v1/strategies', {
    headers,
    data: {
      name: `runs ${Date.now().toString(36)}`,
      kind: 'sma-crossover',
      symbols: ['RELIANCE'],
      params: { fast: 5, slow: 20, quantity: 1, timeframe: '1m' },
      mode: 'paper',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const strategyId = ((await created.json()) as { strategy: { id: string } }).strategy.id;
  for (let i = 0; i < 2; i += 1) {
    expect((await request.post(`/api/v1/strategies/${strategyId}/start`, { headers })).status()).toBe(200);
    await untilSnapshot(request, headers, strategyId);
    expect((await request.post(`/api/v1/strategies/${strategyId}/stop`, { headers })).status()).toBe(200);
  }
  // A backtest of the same strategy over the last four days of demo history (a weekend has no session).
  const now = Date.now();
  const bt = await request.post('/api/v1/backtests', {
    headers,
    data: {
      strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1 } },
      symbols: ['RELIANCE'],
      timeframe: '1m',
      from: new Date(now - 4 * DAY_MS).toISOString(),
      to: new Date(now + 60_000).toISOString(),
      initialCapital: '100000.00',
    },
  });
  expect(bt.status(), await bt.text()).toBe(202);
  const backtestId = ((await bt.json()) as { id: string }).id;
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/backtests/${backtestId}`, { headers })).json()) as { status: string }).status, {
      timeout: 120_000,
    })
    .toBe('completed');

  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, quant);
  await page.getByTestId('nav-quant').click();
  await page.getByTestId('subnav-strategies').click();
  await page.getByTestId(`strategy-runs-toggle-${strategyId}`).click();
  const table = page.getByTestId(`strategy-runs-${strategyId}`);
  await expect(table).toHaveAttribute('data-count', '2');
  const rows = table.locator('[data-testid^="strategy-run-"][data-kind="paper"]');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute('data-status', 'stopped');
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('strategy-run-', '')));
  for (const id of ids) await page.getByTestId(`strategy-run-pick-${id}`).check();
  const compare = page.getByTestId('strategy-runs-compare');
  await expect(compare).toHaveAttribute('data-runs', '2');
  await expect(page.getByTestId('runs-compare-chart')).toHaveAttribute('data-points', /[1-9]/);
  await page.getByTestId(`strategy-run-pick-${ids[1]}`).uncheck();
  await page.getByTestId('strategy-runs-backtest').fill(backtestId);
  await expect(compare).toHaveAttribute('data-runs', '2');
  await expect(page.getByTestId('runs-divergence-0')).toContainText('backtest');
  await page.getByTestId('runs-compare-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/97-strategy-runs-compare-1440x900.png' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('runs-compare-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/98-strategy-runs-compare-1024x768.png' });
  await shot(page, '99-strategy-runs-full');
});
