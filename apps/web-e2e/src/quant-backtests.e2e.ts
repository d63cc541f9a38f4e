import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';
import { holdBacktest, pauseBacktests, releaseBacktest } from './support/backtest-hold';

const DAY_MS = 86_400_000;
/** `datetime-local` value of an instant in the browser's zone. */
/** A date box's value for an instant: its wall time in the display zone, IST by default (the label says so). */
const localInput = async (page: Page, epochMs: number) => {
  await expect(page.getByTestId('backtest-from-label')).toHaveText('From (IST)');
  return new Date(epochMs + 19_800_000).toISOString().slice(0, 16);
};

async function pickSymbol(page: Page, symbol: string) {
  await page.getByTestId('backtest-symbol-search').fill(symbol);
  await page.getByTestId(`backtest-symbol-option-${symbol}`).click();
  await expect(page.getByTestId(`backtest-symbol-${symbol}`)).toBeVisible();
}

test('a quant backtests sma-crossover on RELIANCE over the demo history: checks, a refusal on its field, progress to 100 %, the report, CSV, reopening', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const quant = await registerUser(request, 'backtester');
  await grantRoles(request, quant.id, ['trader', 'quant']);

  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, quant);
  await page.getByTestId('nav-quant').click();
  await page.getByTestId('subnav-backtests').click();
  await expect(page.getByTestId('backtests-page')).toBeVisible();
  await expect(page.getByTestId('backtest-empty')).toBeVisible();
  // The primary action is on screen without scrolling, at 1440×900 and at 1024×768.
  await expect(page.getByTestId('backtest-submit')).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: 'test-results/screens/90-backtests-form-1440x900.png' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('backtest-submit')).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: 'test-results/screens/91-backtests-form-1024x768.png' });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Client checks, before anything is sent: no symbol, fast not shorter than slow.
  await page.getByTestId('backtest-kind-sma-crossover').click();
  await page.getByTestId('backtest-param-fast').fill('20');
  await page.getByTestId('backtest-param-slow').fill('5');
  await page.getByTestId('backtest-submit').click();
  await expect(page.getByTestId('backtest-error-strategy.params.fast')).toHaveText('fast must be shorter than slow');
  await expect(page.getByTestId('backtest-error-strategy.params.fast')).toHaveAttribute('data-source', 'client');
  await expect(page.getByTestId('backtest-error-symbols')).toHaveAttribute('data-source', 'client');
  await expect(page.getByTestId('backtest-create-error')).toHaveCount(0);

  // The server's refusal in words on the field it names: RELIANCE has no candles ten years back.
  await page.getByTestId('backtest-param-fast').fill('5');
  await page.getByTestId('backtest-param-slow').fill('20');
  await pickSymbol(page, 'RELIANCE');
  await page.getByTestId('backtest-timeframe').selectOption('1m');
  const now = Date.now();
  await page.getByTestId('backtest-from').fill(await localInput(page, now - 3660 * DAY_MS));
  await page.getByTestId('backtest-to').fill(await localInput(page, now - 3650 * DAY_MS));
  await page.getByTestId('backtest-submit').click();
  await expect(page.getByTestId('backtest-create-error')).toHaveAttribute('data-code', /.+/);
  const symbolsError = page.getByTestId('backtest-error-symbols');
  await expect(symbolsError).toHaveAttribute('data-source', 'server');
  await expect(symbolsError).toContainText('candles');
  await shot(page, '92-backtests-refused');

  // The demo history: the seed backfills days of 1-minute RELIANCE candles up to now.
  await page.getByTestId('backtest-from').fill(await localInput(page, now - 10 * DAY_MS));
  await page.getByTestId('backtest-to').fill(await localInput(page, now + 60_000));
  await page.getByTestId('backtest-capital').fill('500000');
  await page.getByTestId('backtest-submit').click();
  const view = page.getByTestId('backtest-view');
  await expect(view).toBeVisible();
  const id = (await view.getAttribute('data-id'))!;
  expect(page.url()).toContain(`id=${id}`);
  // Whatever state the run is in by now (queued, running or already done): for looking at, not asserted.
  await page.screenshot({ path: 'test-results/screens/95-backtests-started.png' });
  await expect(page.getByTestId('backtest-create-error')).toHaveCount(0);
  await expect(page.getByTestId(`backtest-recent-${id}`)).toBeVisible();

  // The progress bar reaches 100 % and the run ends completed, with its report.
  const progress = page.getByTestId('backtest-progress');
  await expect(progress).toHaveAttribute('data-progress', '100', { timeout: 120_000 });
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await expect(view).toHaveAttribute('data-status', 'completed');
  // The bar is driven by the socket: at least the final backtest.progress event reached the page.
  await expect(view).toHaveAttribute('data-events', /^[1-9]\d*$/);
  await expect(page.getByTestId('backtest-status')).toHaveText('completed');
  await expect(page.getByTestId('backtest-cancel')).toHaveCount(0);

  const report = page.getByTestId('backtest-report');
  await expect(report).toBeVisible();
  for (const key of [
    'totalReturn',
    'cagr',
    'sharpe',
    'sortino',
    'maxDrawdown',
    'winRate',
    'profitFactor',
    'trades',
    'fees',
    'exposure',
    'turnover',
  ])
    await expect(page.getByTestId(`backtest-metric-${key}`)).toBeVisible();
  const tradesCount = Number(await page.getByTestId('backtest-metric-trades').getAttribute('data-value'));
  expect(tradesCount).toBeGreaterThan(0);
  await expect(page.getByTestId('backtest-metric-fees').locator('.money')).toHaveText(/^₹[\d,]+\.\d{2}$/);

  // Equity and drawdown charts drawn, over every bar.
  await expect(page.getByTestId('backtest-equity-chart').locator('.recharts-line-curve')).toBeVisible();
  await expect(page.getByTestId('backtest-drawdown-chart').locator('.recharts-area-area')).toBeVisible();
  expect(Number(await page.getByTestId('backtest-equity-chart').getAttribute('data-points'))).toBeGreaterThan(100);

  // Trades: a row, on the first page, and the same fills as markers on RELIANCE's candles.
  const rows = page.getByTestId('backtest-trades').locator('tbody tr[data-side]');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toContainText('RELIANCE');
  expect(await rows.count()).toBe(Math.min(tradesCount, 50));
  const chart = page.getByTestId('backtest-trade-chart');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-markers', String(tradesCount));
  await shot(page, '93-backtests-report');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: 'test-results/screens/94-backtests-report-1024x768.png' });
  await page.setViewportSize({ width: 1440, height: 900 });

  if (tradesCount > 50) {
    await page.getByTestId('backtest-trades-next').click();
    await expect(page.getByTestId('backtest-trades').locator('tbody tr[data-side]').first()).toHaveAttribute(
      'data-testid',
      'backtest-trade-51',
    );
    await page.getByTestId('backtest-trades-prev').click();
  }

  // CSV of every trade: the header and one line per fill.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backtest-trades-csv').click()]);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trimEnd()
    .split('\n');
  expect(csv[0]).toBe('seq,ts,symbol,side,quantity,price,fees,realizedPnl');
  expect(csv).toHaveLength(tradesCount + 1);
  expect(csv[1]).toMatch(/^1,.+,RELIANCE,(BUY|SELL),1,\d+\.\d{2,4},\d+\.\d{2},-?\d+\.\d{2}$/);

  // Reopen from the recent list after leaving the page.
  await page.getByTestId('subnav-strategies').click();
  await expect(page.getByTestId('strategies-page')).toBeVisible();
  await page.getByTestId('subnav-backtests').click();
  await expect(page.getByTestId('backtest-empty')).toBeVisible();
  const recent = page.getByTestId(`backtest-recent-${id}`);
  await expect(recent).toHaveAttribute('data-status', 'completed');
  await recent.click();
  await expect(page.getByTestId('backtest-view')).toHaveAttribute('data-id', id);
  await expect(page.getByTestId('backtest-metric-trades')).toHaveAttribute('data-value', String(tradesCount));

  // A 3×3 sweep on RELIANCE (fast 5/10/15 × slow 20/30/40), the count shown before submit.
  await page.getByTestId('backtest-kind-sma-crossover').click();
  await page.getByTestId('backtest-param-fast').fill('5-15 step 5');
  await page.getByTestId('backtest-param-slow').fill('20,30,40');
  await expect(page.getByTestId('backtest-combinations')).toHaveAttribute('data-count', '9');
  await expect(page.getByTestId('backtest-submit')).toHaveText('Run sweep (9)');
  await pickSymbol(page, 'RELIANCE');
  await page.getByTestId('backtest-timeframe').selectOption('1m');
  // Over the span the single run traded in (the demo history's bars: both parts of the split have some).
  const tradeTimes = csv.slice(1).map((line) => Date.parse(line.split(',')[1]!));
  await page.getByTestId('backtest-from').fill(await localInput(page, Math.min(...tradeTimes) - 5 * 60_000));
  await page.getByTestId('backtest-to').fill(await localInput(page, Math.max(...tradeTimes) + 5 * 60_000));
  await page.getByTestId('backtest-capital').fill('500000');
  await expect(page.getByTestId('backtest-oos')).toHaveValue('30');
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('backtest-submit')).toBeInViewport({ ratio: 1 });
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId('backtest-submit')).toBeInViewport({ ratio: 1 });
  await page.getByTestId('backtest-submit').click();
  const sweepView = page.getByTestId('backtest-view');
  await expect(sweepView).not.toHaveAttribute('data-id', id);
  const sweepId = (await sweepView.getAttribute('data-id'))!;
  const sweep = page.getByTestId('sweep-report');
  await expect(sweep).toHaveAttribute('data-children', '9');
  await expect(sweepView).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(sweep).toHaveAttribute('data-done', '9');
  await expect(page.getByTestId(`backtest-recent-${sweepId}`)).toContainText('9 runs');
  // Both heatmaps, every cell filled, one best cell in each.
  for (const sample of ['in', 'out'])
    for (const fast of [5, 10, 15])
      for (const slow of [20, 30, 40])
        await expect(page.getByTestId(`sweep-cell-${sample}-${fast}-${slow}`)).toHaveAttribute('data-value', /^-?\d/);
  const bestCells = page.locator('[data-testid^="sweep-cell-in-"][data-best="true"]');
  await expect(bestCells).toHaveCount(1);
  await expect(page.locator('[data-testid^="sweep-cell-out-"][data-best="true"]')).toHaveCount(1);
  // The best in-sample cell by the displayed metric (total return): no other cell is higher.
  const values = await page
    .locator('[data-testid^="sweep-cell-in-"]')
    .evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset.value)));
  expect(values).toHaveLength(9);
  const bestValue = (await bestCells.getAttribute('data-value'))!;
  expect(Math.max(...values)).toBe(Number(bestValue));
  await page.screenshot({ path: 'test-results/screens/96-backtests-sweep-1440x900.png', fullPage: true });
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('backtest-submit')).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: 'test-results/screens/97-backtests-sweep-1024x768.png', fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Its report is that child's: same id, same in-sample figure, out-of-sample beside it, a way back.
  const bestId = (await bestCells.getAttribute('data-id'))!;
  const bestCellId = (await bestCells.getAttribute('data-testid'))!;
  const bestOutValue = (await page.getByTestId(bestCellId.replace('sweep-cell-in-', 'sweep-cell-out-')).getAttribute('data-value'))!;
  await bestCells.click();
  await expect(page.getByTestId('backtest-view')).toHaveAttribute('data-id', bestId);
  expect(page.url()).toContain(`id=${bestId}`);
  await expect(page.getByTestId('backtest-status')).toHaveText('completed');
  await expect(page.getByTestId('backtest-metric-totalReturn')).toHaveAttribute('data-value', bestValue);
  await expect(page.getByTestId('backtest-oos-metrics')).toBeVisible();
  await expect(page.getByTestId('backtest-oos-metric-totalReturn')).toHaveAttribute('data-value', bestOutValue);
  await shot(page, '98-backtests-sweep-child');
  await page.getByTestId('backtest-parent').click();
  await expect(page.getByTestId('backtest-view')).toHaveAttribute('data-id', sweepId);

  // An admin without the quant role is told why instead of meeting a 403.
  await logOut(page);
  await logIn(page, ADMIN);
  await page.goto('/quant/backtests');
  await expect(page.getByTestId('backtests-quant-only')).toBeVisible();
  await expect(page.getByTestId('backtest-form')).toHaveCount(0);
});

test('a quant cancels a running backtest from the page: held running (it cannot store results), Cancel ends it cancelled with no report', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const quant = await registerUser(request, 'canceller');
  await grantRoles(request, quant.id, ['trader', 'quant']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, quant);
  await page.getByTestId('nav-quant').click();
  await page.getByTestId('subnav-backtests').click();
  await expect(page.getByTestId('backtest-form')).toBeVisible();

  await page.getByTestId('backtest-kind-sma-crossover').click();
  await page.getByTestId('backtest-param-fast').fill('5');
  await page.getByTestId('backtest-param-slow').fill('20');
  await pickSymbol(page, 'RELIANCE');
  await page.getByTestId('backtest-timeframe').selectOption('1m');
  const now = Date.now();
  await page.getByTestId('backtest-from').fill(await localInput(page, now - 10 * DAY_MS));
  await page.getByTestId('backtest-to').fill(await localInput(page, now + 60_000));

  // Never "hope it is slow": the worker takes no backtest job until this run's row is held, and
  // while held the run is claimed, beats and can be asked to cancel but cannot store its results.
  await pauseBacktests(request);
  const view = page.getByTestId('backtest-view');
  try {
    await page.getByTestId('backtest-submit').click();
    await expect(view).toBeVisible();
    const id = (await view.getAttribute('data-id'))!;
    await expect(view).toHaveAttribute('data-status', 'queued');
    await holdBacktest(request, id);

    await expect(view).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
    await expect(page.getByTestId('backtest-status')).toHaveText('running');
    const progress = page.getByTestId('backtest-progress');
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('role', 'progressbar');
    // Its results are held back, so it never shows 100 % while running.
    expect(Number(await progress.getAttribute('data-progress'))).toBeLessThan(100);
    await expect(page.getByTestId('backtest-report')).toHaveCount(0);
    await page.screenshot({ path: 'test-results/screens/99-backtests-running-1440x900.png' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await expect(page.getByTestId('backtest-cancel')).toBeInViewport({ ratio: 1 });
    await page.screenshot({ path: 'test-results/screens/99-backtests-running-1024x768.png' });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId('backtest-cancel').click();
    await expect(page.getByTestId('backtest-cancel-error')).toHaveCount(0);
    // Asked to cancel while it still cannot finish: not shown as done.
    await expect(view).not.toHaveAttribute('data-status', 'completed');
  } finally {
    await releaseBacktest(request);
  }

  // Released, the run sees the cancel when storing: cancelled, nothing reported as complete.
  await expect(view).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(page.getByTestId('backtest-status')).toHaveText('cancelled');
  await expect(page.getByTestId('backtest-cancel')).toHaveCount(0);
  await expect(page.getByTestId('backtest-report')).toHaveCount(0);
  await expect(page.getByTestId('backtest-metric-totalReturn')).toHaveCount(0);
  expect(Number(await page.getByTestId('backtest-progress').getAttribute('data-progress'))).toBeLessThan(100);
  const id = (await view.getAttribute('data-id'))!;
  await expect(page.getByTestId(`backtest-recent-${id}`)).toHaveAttribute('data-status', 'cancelled');
  await shot(page, '99-backtests-cancelled');
  // Reloaded from the server, the same: cancelled, no report.
  await page.reload();
  await expect(page.getByTestId('backtest-view')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('backtest-report')).toHaveCount(0);
});

test('a quant sweeps an ml-signal backtest’s quantity with the demo model from the page: a quantity heatmap, in-sample and out-of-sample, a cell opens its run', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const quant = await registerUser(request, 'mlsweeper');
  await grantRoles(request, quant.id, ['trader', 'quant']);
  // The range: the first 200 one-minute bars of RELIANCE's demo history (one session), so both
  // parts of the split have bars whatever the day the stack was seeded.
  const login = await request.post('/api/v1/auth/login', { data: { email: quant.email, password: quant.password } });
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const now = Date.now();
  const res = await request.get(
    `/api/v1/market/candles?symbol=RELIANCE&timeframe=1m&from=${new Date(now - 10 * DAY_MS).toISOString()}&to=${new Date(now).toISOString()}`,
    { headers },
  );
  expect(res.status()).toBe(200);
  const candles = ((await res.json()) as { candles: { ts: string }[] }).candles;
  expect(candles.length).toBeGreaterThan(200);
  const from = Date.parse(candles[0]!.ts);
  const to = Date.parse(candles[199]!.ts) + 60_000;

  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, quant);
  await page.getByTestId('nav-quant').click();
  await page.getByTestId('subnav-backtests').click();
  await page.getByTestId('backtest-kind-ml-signal').click();
  const model = page.getByTestId('backtest-model');
  const demo = (await model.locator('option', { hasText: 'demo-momentum v1 ' }).getAttribute('value'))!;
  await model.selectOption(demo);
  await page.getByTestId('backtest-param-quantity').fill('1,2');
  await expect(page.getByTestId('backtest-combinations')).toHaveAttribute('data-count', '2');
  await expect(page.getByTestId('backtest-submit')).toHaveText('Run sweep (2)');
  await pickSymbol(page, 'RELIANCE');
  await page.getByTestId('backtest-timeframe').selectOption('1m');
  await page.getByTestId('backtest-from').fill(await localInput(page, from));
  await page.getByTestId('backtest-to').fill(await localInput(page, to));
  await page.getByTestId('backtest-submit').click();

  const view = page.getByTestId('backtest-view');
  await expect(page.getByTestId('sweep-report')).toHaveAttribute('data-children', '2');
  await expect(view).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await expect(page.getByTestId('sweep-report')).toHaveAttribute('data-done', '2');
  // Columns are the quantities, one row (nothing else swept); every cell has its figure.
  await expect(page.getByTestId('sweep-heatmap-in').locator('thead th').first()).toHaveText('quantity →');
  for (const sample of ['in', 'out'])
    for (const q of [1, 2]) await expect(page.getByTestId(`sweep-cell-${sample}-${q}`)).toHaveAttribute('data-value', /^-?\d/);
  await expect(page.locator('[data-testid^="sweep-cell-in-"][data-best="true"]')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/99-backtests-ml-sweep-1440x900.png', fullPage: true });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: 'test-results/screens/99-backtests-ml-sweep-1024x768.png', fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // The quantity-2 cell opens that child: an ml-signal run of quantity 2 on the demo model, both metric sets.
  const cell = page.getByTestId('sweep-cell-in-2');
  const childId = (await cell.getAttribute('data-id'))!;
  const value = (await cell.getAttribute('data-value'))!;
  await cell.click();
  await expect(page.getByTestId('backtest-view')).toHaveAttribute('data-id', childId);
  await expect(page.getByTestId('backtest-status')).toHaveText('completed');
  await expect(page.getByTestId('backtest-metric-totalReturn')).toHaveAttribute('data-value', value);
  await expect(page.getByTestId('backtest-oos-metrics')).toBeVisible();
  await expect(page.getByTestId('backtest-view')).toContainText('×2');
});
