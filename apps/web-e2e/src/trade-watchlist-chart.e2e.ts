import { expect, test, type Locator } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';

/** Distinct successive values of an attribute seen while polling for `withinMs`, or until `enough` changes. */
async function watchAttribute(locator: Locator, name: string, opts: { withinMs: number; enough: number }): Promise<string[]> {
  const values: string[] = [];
  const deadline = Date.now() + opts.withinMs;
  while (Date.now() < deadline && values.length <= opts.enough) {
    const value = (await locator.getAttribute(name)) ?? '';
    if (value && value !== values.at(-1)) values.push(value);
    await locator.page().waitForTimeout(40);
  }
  return values;
}

test('a trader adds RELIANCE to a watchlist, sees it tick live, and follows its chart from 1m to 5m', async ({ page, request }) => {
  const trader = await registerUser(request, 'watcher');
  await logIn(page, trader);
  await page.getByTestId('nav-trade').click();

  // First visit: the default list, holding liquid names to start from, priced live.
  await expect(page.getByTestId('watchlist-tab-Watchlist 1')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('watchlist')).toHaveAttribute('data-count', '10');
  const firstRows = page.getByTestId('watchlist-rows').locator('[data-testid^="watchlist-row-"]');
  await expect(firstRows.first()).toHaveAttribute('data-symbol', 'NIFTY');
  await expect(page.getByTestId('watchlist-row-RELIANCE')).toHaveAttribute('data-ltp', /^\d+\.\d{2,4}$/);
  await shot(page, '39-watchlist-first-run');

  // This trader starts their own list from nothing (the list is theirs to empty).
  const login = await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } });
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const lists = (await (await request.get('/api/v1/watchlists', { headers })).json()) as { items: { id: string }[] };
  const emptied = await request.put(`/api/v1/watchlists/${lists.items[0]!.id}/symbols`, { data: { symbols: [] }, headers });
  expect(emptied.status(), await emptied.text()).toBe(200);
  await page.reload();
  await expect(page.getByTestId('watchlist')).toHaveAttribute('data-count', '0');

  // Add through the search box.
  const search = page.getByTestId('watchlist-search');
  await search.fill('relian');
  const result = page.getByTestId('watchlist-search-result-RELIANCE');
  await expect(result).toBeVisible();
  await expect(result).toContainText('Reliance Industries');
  await shot(page, '40-watchlist-search');
  await result.click();

  const row = page.getByTestId('watchlist-row-RELIANCE');
  // A symbol cut short in a narrow column still reads in full on hover.
  await expect(row.locator('.wl-symbol')).toHaveAttribute('title', 'RELIANCE');
  await expect(row).toBeVisible();
  await expect(page.getByTestId('watchlist')).toHaveAttribute('data-count', '1');
  await expect(row).toHaveAttribute('data-ltp', /^\d+\.\d{2,4}$/);

  // Live: the LTP changes at least twice within 5 s, and the cell shows the same price.
  const ltps = await watchAttribute(row, 'data-ltp', { withinMs: 5_000, enough: 2 });
  expect(ltps.length - 1, `LTP values seen in 5 s: ${ltps.join(', ')}`).toBeGreaterThanOrEqual(2);
  const ltpCell = page.getByTestId('watchlist-ltp-RELIANCE');
  await expect
    .poll(async () => ((await ltpCell.textContent()) ?? '').replace(/,/g, '') === (await row.getAttribute('data-ltp')))
    .toBe(true);
  await expect(page.getByTestId('watchlist-change-pct-RELIANCE')).toHaveText(/^([+-]\d+\.\d{2}|0\.00)%$/);
  await shot(page, '41-watchlist-live');

  // The list is kept on the server.
  await page.reload();
  await expect(page.getByTestId('watchlist-row-RELIANCE')).toBeVisible();

  // A second instrument from the keyboard (type, Enter), then move between rows: ↓ Enter charts TCS, ↑ Enter RELIANCE.
  await page.getByTestId('watchlist-search').fill('TCS');
  await page.getByTestId('watchlist-search').press('Enter');
  await expect(page.getByTestId('watchlist-row-TCS')).toBeVisible();
  const rows = page.getByTestId('watchlist-rows');
  await rows.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('data-symbol', 'TCS');
  await expect(page.getByTestId('watchlist-row-TCS')).toHaveAttribute('data-charted', 'true');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(chart).toHaveAttribute('data-symbol', 'RELIANCE');
  await expect(page.getByTestId('chart-symbol')).toHaveText('RELIANCE');
  await expect(chart).toHaveAttribute('data-timeframe', '1m');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-last-candle', /\|/);

  // 1m → 5m: a 5-minute candle, then live updates of it.
  await page.getByTestId('chart-timeframe-5m').click();
  await expect(chart).toHaveAttribute('data-timeframe', '5m');
  await expect(page.getByTestId('chart-timeframe-5m')).toHaveAttribute('aria-pressed', 'true');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-last-candle', /^\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z\|\d+\.\d{2,4}\|\d+$/);
  const candles = await watchAttribute(chart, 'data-last-candle', { withinMs: 10_000, enough: 1 });
  expect(candles.length - 1, `last 5m candles seen: ${candles.join(', ')}`).toBeGreaterThanOrEqual(1);
  for (const candle of candles) expect(Date.parse(candle.split('|')[0]!) % 300_000).toBe(0);
  await expect(page.getByTestId('chart-legend')).toContainText(/O\s*[\d,]+\.\d{2}/);
  await shot(page, '42-chart-5m-live');
});
