import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';

const DAY_MS = 86_400_000;
/** `datetime-local` value of an instant in the browser's zone. */
const localInput = (page: Page, epochMs: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, epochMs);

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

  // An admin without the quant role is told why instead of meeting a 403.
  await logOut(page);
  await logIn(page, ADMIN);
  await page.goto('/quant/backtests');
  await expect(page.getByTestId('backtests-quant-only')).toBeVisible();
  await expect(page.getByTestId('backtest-form')).toHaveCount(0);
});
