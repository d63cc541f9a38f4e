import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import {
  CHART_INDICATORS,
  chartIndicatorSeries,
  chartIndicatorText,
  formatPrice,
  indicatorBarOf,
  parsePrice,
  type ChartIndicator,
  type PriceTicks,
} from '@tradeloop/domain';
import { ADMIN, logIn, registerUser } from './support/fixtures';

/*
 * Issue 19, "Missing that Kite users expect" → Chart: indicators on the Trade page's chart and
 * price alerts set from it (docs/domain.md "Chart indicators", docs/alerts.md "Price alerts").
 *
 * Indicator values are checked exactly: the chart says which bars it computed over (the first
 * bar's time and the last bar as drawn), the test reads the same bars from GET /market/candles
 * and recomputes with the domain's one implementation and the same rounding. The last bar is
 * still forming (its volume grows with every print), so it is taken as the chart drew it; the
 * comparison is polled until the API has stored the closed bars the chart has.
 *
 * Prices move only through the test seam POST /api/v1/admin/market/steer (MARKET_STEERING=true in
 * start-stack.mjs), restored in a finally block. Every wait is on a visible state.
 */

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

async function bearer(request: APIRequestContext, user: { email: string; password: string }): Promise<Record<string, string>> {
  const res = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(res.status(), await res.text()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

async function steer(request: APIRequestContext, symbol: string, price: string | null) {
  const res = await request.post('/api/v1/admin/market/steer', { data: { symbol, price }, headers: await bearer(request, ADMIN) });
  expect(res.status(), await res.text()).toBe(200);
}

/** Screenshots at both sizes, with the chart's toolbar and its primary actions in view without scrolling. */
async function screens(page: Page, name: string, inView: Locator[]) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const l of inView) await expect(l).toBeInViewport();
    await page.screenshot({ path: `test-results/screens/${name}-${size.width}x${size.height}.png` });
  }
  await page.setViewportSize(SIZES[0]);
}

const ATTR: Record<ChartIndicator, string> = { sma20: 'sma20Last', ema20: 'ema20Last', vwap: 'vwapLast', rsi14: 'rsi14Last' };

/**
 * Polls until the chart's last indicator values equal the ones recomputed from the API's candles
 * over the same bars; returns them.
 */
async function expectIndicatorsMatchApi(chart: Locator, request: APIRequestContext, headers: Record<string, string>) {
  let matched: Record<string, string> = {};
  await expect
    .poll(
      async () => {
        const d = await chart.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
        if (!d.indicatorFrom || !d.indicatorBar) return 'no bars yet';
        const enabled = (d.indicators ? d.indicators.split(',') : []) as ChartIndicator[];
        const [ts, open, high, low, close, volume] = d.indicatorBar.split('|') as [string, string, string, string, string, string];
        const query = new URLSearchParams({ symbol: d.symbol!, timeframe: d.timeframe!, from: d.indicatorFrom, to: ts });
        const res = await request.get(`/api/v1/market/candles?${query}`, { headers });
        if (res.status() !== 200) return `candles ${res.status()}`;
        const { candles } = (await res.json()) as { candles: { ts: string; high: string; low: string; close: string; volume: number }[] };
        const series = chartIndicatorSeries([...candles, { ts, open, high, low, close, volume: Number(volume) }].map(indicatorBarOf));
        const want: Record<string, string> = {};
        const got: Record<string, string> = {};
        for (const kind of CHART_INDICATORS) {
          want[kind] = enabled.includes(kind) ? chartIndicatorText(kind, series[kind].at(-1)!) : '';
          got[kind] = d[ATTR[kind]] ?? '';
        }
        matched = got;
        return JSON.stringify(got) === JSON.stringify(want) ? 'match' : `chart ${JSON.stringify(got)} ≠ API ${JSON.stringify(want)}`;
      },
      { timeout: 20_000, intervals: [250] },
    )
    .toBe('match');
  return matched;
}

test('a trader turns on SMA 20, EMA 20, VWAP and RSI 14: the chart’s values are the candles’ own, follow live candles, and are remembered', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'indicators');
  const headers = await bearer(request, trader);
  await logIn(page, trader);
  await page.goto('/trade?symbol=RELIANCE&tf=1m');
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-symbol', 'RELIANCE');
  await expect(chart).toHaveAttribute('data-indicators', '');
  const menuButton = page.getByTestId('chart-indicators-toggle');
  const menu = page.getByTestId('chart-indicators-menu');
  await menuButton.click();
  await expect(menu).toBeVisible();
  for (const kind of CHART_INDICATORS) await expect(menu.getByTestId(`chart-indicator-${kind}`)).toHaveAttribute('aria-pressed', 'false');

  for (const kind of CHART_INDICATORS) {
    await menu.getByTestId(`chart-indicator-${kind}`).click();
    await expect(menu.getByTestId(`chart-indicator-${kind}`)).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(chart).toHaveAttribute('data-indicators', 'sma20,ema20,vwap,rsi14');
  await expect(menuButton).toHaveAttribute('data-count', '4');
  await screens(page, '19-chart-indicators-menu', [menu, menu.getByTestId('chart-indicator-rsi14')]);
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(chart).toHaveAttribute('data-sma20-last', /^\d+\.\d{2,4}$/);
  await expect(chart).toHaveAttribute('data-ema20-last', /^\d+\.\d{2,4}$/);
  await expect(chart).toHaveAttribute('data-vwap-last', /^\d+\.\d{2,4}$/);
  await expect(chart).toHaveAttribute('data-rsi14-last', /^\d{1,3}\.\d{2}$/);
  await expectIndicatorsMatchApi(chart, request, headers);
  // The legend shows them too (prices grouped the Indian way).
  await expect(page.getByTestId('chart-legend-rsi14')).toHaveText(/^RSI 14\s*\d{1,3}\.\d{2}$/);
  await expect(page.getByTestId('chart-legend-sma20')).toHaveText(/^SMA 20\s*[\d,]+\.\d{2,4}$/);

  // Live: the last bar moves, the values follow it, and still equal the candles'.
  const bar = (await chart.getAttribute('data-indicator-bar'))!;
  await expect(chart).not.toHaveAttribute('data-indicator-bar', bar, { timeout: 15_000 });
  await expectIndicatorsMatchApi(chart, request, headers);
  await screens(page, '19-chart-indicators', [
    page.getByTestId('chart-toolbar'),
    menuButton,
    page.getByTestId('chart-alert-add'),
    page.getByTestId('chart-indicator-values'),
    page.getByTestId('chart-timeframe-1d'),
  ]);

  // Another timeframe: the same rule over its bars.
  await page.getByTestId('chart-timeframe-5m').click();
  await expect(chart).toHaveAttribute('data-timeframe', '5m');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-indicator-from', /Z$/);
  await expectIndicatorsMatchApi(chart, request, headers);

  // Remembered for this user in this browser: after a reload, the same ones are on; one turned off stays off.
  await menuButton.click();
  await menu.getByTestId('chart-indicator-ema20').click();
  await expect(chart).toHaveAttribute('data-indicators', 'sma20,vwap,rsi14');
  await expect(chart).toHaveAttribute('data-ema20-last', '');
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-indicators', 'sma20,vwap,rsi14');
  await menuButton.click();
  await expect(menu.getByTestId('chart-indicator-ema20')).toHaveAttribute('aria-pressed', 'false');
  await expect(menu.getByTestId('chart-indicator-vwap')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Escape');
  await expectIndicatorsMatchApi(chart, request, headers);
});

test('a closed bar the chart read before the feed stored its last trades is replaced by the stored bar: the values are the stored candles’ own', async ({
  page,
  request,
}) => {
  test.setTimeout(60_000);
  const trader = await registerUser(request, 'settle');
  const headers = await bearer(request, trader);
  // The chart's history read is answered as one made just after a bar closed, before the feed
  // (which stores candles about once a second) wrote its last trades: without the minute's bar,
  // and the bar before it closed ₹1.00 higher on one trade fewer. The live stream goes on with the
  // minute's bar; the chart must read the closed bar back and draw the stored one.
  let stale: { ts: string; close: string; stored: string } | null = null;
  await page.route(/\/api\/v1\/market\/candles\?/, async (route) => {
    const url = new URL(route.request().url());
    if (stale || url.searchParams.has('from') || url.searchParams.get('symbol') !== 'RELIANCE') return route.continue();
    const res = await route.fetch();
    type Row = { ts: string; open: string; high: string; low: string; close: string; volume: number };
    const body = (await res.json()) as { candles: Row[] };
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const candles = body.candles.filter((c) => Date.parse(c.ts) < minute);
    const last = candles.at(-1)!;
    // ₹1.00 = 10,000 price units: integer ticks, never float arithmetic on prices.
    const closeTicks = parsePrice(last.close) + 10_000;
    const close = formatPrice(closeTicks as PriceTicks);
    stale = { ts: last.ts, close, stored: last.close };
    candles[candles.length - 1] = {
      ...last,
      close,
      high: closeTicks > parsePrice(last.high) ? close : last.high,
      volume: Math.max(0, last.volume - 1),
    };
    return route.fulfill({ response: res, json: { ...body, candles } });
  });
  await logIn(page, trader);
  await page.goto('/trade?symbol=RELIANCE&tf=1m');
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('chart-indicators-toggle').click();
  for (const kind of ['sma20', 'rsi14'] as const)
    await page.getByTestId('chart-indicators-menu').getByTestId(`chart-indicator-${kind}`).click();
  await page.keyboard.press('Escape');
  await expect(chart).toHaveAttribute('data-indicators', 'sma20,rsi14');
  expect(stale, 'the history read was answered stale').not.toBeNull();
  expect(stale!.close).not.toBe(stale!.stored);
  await expectIndicatorsMatchApi(chart, request, headers);
});

test('a trader sets a price alert above SBIN from the chart; the price crosses it: a toast, the bell, the alert marked triggered', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'alerter');
  try {
    await steer(request, 'SBIN', '800.00');
    await logIn(page, trader);
    await page.goto('/trade?symbol=SBIN&tf=1m');
    const chart = page.getByTestId('price-chart');
    await expect(chart).toHaveAttribute('data-state', 'ready');
    await expect(page.getByTestId('chart-ltp')).toHaveText('800.00');
    await expect(page.getByTestId('notification-unread')).toHaveCount(0);

    // 🔔 Alert: the form, prefilled with the LTP; the level above it.
    await page.getByTestId('chart-alert-add').click();
    const form = page.getByTestId('price-alert-form');
    await expect(form).toBeVisible();
    await expect(form).toHaveAttribute('data-symbol', 'SBIN');
    const price = form.getByTestId('price-alert-price');
    await expect(price).toHaveValue('800.00');
    await expect(form.getByTestId('price-alert-condition-above')).toHaveAttribute('aria-pressed', 'true');
    // Off the tick: the server's words under the field.
    await price.fill('805.03');
    await form.getByTestId('price-alert-submit').click();
    await expect(form.getByText(/multiple of the tick size 0\.05/)).toBeVisible();
    await price.fill('805.00');
    await expect(form.getByText(/multiple of the tick size/)).toHaveCount(0);
    await form.getByTestId('price-alert-note').fill('breakout');
    await screens(page, '19-price-alert-form', [form, form.getByTestId('price-alert-submit'), page.getByTestId('chart-alert-add')]);
    await form.getByTestId('price-alert-submit').click();
    await expect(form).toHaveCount(0);
    await expect(page.locator('[data-sonner-toast]').filter({ hasText: 'Alert set: SBIN above ₹805.00' })).toBeVisible();
    await expect(chart).toHaveAttribute('data-alert-lines', 'above:805.00');
    await expect(page.getByTestId('chart-alerts-toggle')).toHaveAttribute('data-count', '1');

    // Alt+click on a price of the chart opens the form at that price (on the tick); Escape closes it.
    const canvas = page.getByTestId('chart-canvas');
    const box = (await canvas.boundingBox())!;
    await canvas.click({ modifiers: ['Alt'], position: { x: box.width / 3, y: box.height / 4 } });
    await expect(form).toBeVisible();
    await expect(price).toHaveValue(/^\d+\.\d{2}$/);
    expect(Math.round(Number(await price.inputValue()) * 100) % 5).toBe(0);
    await price.press('Escape');
    await expect(form).toHaveCount(0);

    // The list: active.
    await page.getByTestId('chart-alerts-toggle').click();
    const panel = page.getByTestId('chart-alerts-panel');
    const row = panel.getByTestId('price-alert-row');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-status', 'active');
    await expect(row).toHaveAttribute('data-price', '805.00');
    await expect(row).toContainText('breakout');
    await screens(page, '19-price-alerts-active', [panel, row.getByTestId('price-alert-delete')]);
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);

    // The price crosses the level: the toast, the bell, the alert triggered at the price that crossed.
    await steer(request, 'SBIN', '806.00');
    await expect(page.locator('[data-sonner-toast]').filter({ hasText: 'Price alert: SBIN above ₹805.00' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByTestId('notification-unread')).toHaveText('1');
    await expect(chart).toHaveAttribute('data-alert-lines', '');
    await expect(page.getByTestId('chart-alerts-toggle')).toHaveAttribute('data-count', '0');
    await page.getByTestId('chart-alerts-toggle').click();
    await expect(row).toHaveAttribute('data-status', 'triggered');
    await expect(row).toContainText('Triggered @ 806.00');
    await screens(page, '19-price-alert-triggered', [panel, page.getByTestId('notification-bell')]);
    await page.keyboard.press('Escape');

    await page.getByTestId('notification-bell').click();
    const item = page.getByTestId('notification-panel').getByTestId('notification-item').first();
    await expect(item).toHaveAttribute('data-kind', 'price_alert');
    await expect(item).toContainText('Price alert: SBIN above ₹805.00');
    await page.keyboard.press('Escape');

    // Deleted from the list: gone, here and on the server.
    await page.getByTestId('chart-alerts-toggle').click();
    await row.getByTestId('price-alert-delete').click();
    await expect(panel.getByTestId('price-alerts-empty')).toBeVisible();
    const left = await request.get('/api/v1/price-alerts', { headers: await bearer(request, trader) });
    expect(((await left.json()) as { items: unknown[] }).items).toEqual([]);
  } finally {
    await steer(request, 'SBIN', null);
  }
});
