import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { grantRoles, logIn, registerUser, shot } from './support/fixtures';

async function tokenOf(request: APIRequestContext, user: { email: string; password: string }) {
  const login = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(login.status()).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** A paper MARKET buy through the public API, as the ticket sends it; the simulated market fills it. Returns the order id. */
async function marketBuy(request: APIRequestContext, token: string, symbol: string, quantity: number): Promise<string> {
  const res = await request.post('/api/v1/orders', {
    data: { symbol, side: 'BUY', type: 'MARKET', product: 'CNC', quantity },
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
  });
  expect(res.status(), await res.text()).toBe(202);
  return ((await res.json()) as { order: { id: string } }).order.id;
}

async function statusOf(request: APIRequestContext, token: string, id: string) {
  const res = await request.get(`/api/v1/orders/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { status: string }).status;
}

/** The table fits its box: no sideways scroll. */
async function noHorizontalOverflow(page: Page, testId: string) {
  const wrap = page.getByTestId(testId).locator('xpath=..');
  const { scroll, client } = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(scroll, `${testId} overflows sideways (${scroll} > ${client})`).toBeLessThanOrEqual(client);
}

test('compliance watches everyone’s orders and fills: filters by a trader’s email and a symbol, then their fills', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const alpha = await registerUser(request, 'surv-alpha');
  const beta = await registerUser(request, 'surv-beta');
  const reviewer = await registerUser(request, 'surv-compliance');
  await grantRoles(request, reviewer.id, ['compliance']);

  // Two traders trade on their paper accounts (no wallet money needed).
  const alphaToken = await tokenOf(request, alpha);
  const betaToken = await tokenOf(request, beta);
  const alphaReliance = await marketBuy(request, alphaToken, 'RELIANCE', 1);
  const alphaMm = await marketBuy(request, alphaToken, 'M&M', 2);
  const betaMm = await marketBuy(request, betaToken, 'M&M', 1);
  const betaReliance = await marketBuy(request, betaToken, 'RELIANCE', 3);
  for (const [token, id] of [
    [alphaToken, alphaReliance],
    [alphaToken, alphaMm],
    [betaToken, betaMm],
    [betaToken, betaReliance],
  ] as const)
    await expect.poll(() => statusOf(request, token, id), { timeout: 20_000 }).toBe('FILLED');

  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, reviewer);
  await page.goto('/compliance/ledger');
  await page.getByTestId('subnav-surveillance').click();
  await expect(page).toHaveURL(/\/compliance\/surveillance$/);
  await expect(page.getByTestId('surveillance-tab-orders')).toHaveAttribute('aria-selected', 'true');
  const orders = page.getByTestId('surveillance-order-row');
  // Everyone's: both traders' newest orders are there, by name.
  await expect(orders.filter({ has: page.locator(`[data-user-id="${beta.id}"]`) }).first()).toBeVisible();
  await expect(page.locator(`[data-testid="surveillance-order-row"][data-order-id="${betaReliance}"]`)).toContainText('E2E surv-beta');

  // One trader, found by email: only their orders, shown by name and email, never a raw id.
  await page.getByTestId('surveillance-user-filter').fill(alpha.email);
  await page.getByTestId('surveillance-user-filter-option').filter({ hasText: alpha.email }).click();
  await expect(page.getByTestId('surveillance-user-filter-selected')).toHaveAttribute('data-user-id', alpha.id);
  await expect(orders).toHaveCount(2);
  for (const row of await orders.all()) await expect(row).toHaveAttribute('data-user-id', alpha.id);
  await expect(orders.first().getByTestId('surveillance-trader')).toContainText(alpha.email);
  await expect(orders.first().getByTestId('surveillance-trader')).not.toContainText(alpha.id);

  // And one symbol, typed in lower case: M&M only.
  await page.getByTestId('surveillance-symbol').fill('m&m');
  await expect(orders).toHaveCount(1);
  await expect(orders.first()).toHaveAttribute('data-order-id', alphaMm);
  await expect(orders.first()).toHaveAttribute('data-symbol', 'M&M');
  await expect(orders.first()).toHaveAttribute('data-status', 'FILLED');
  await expect(orders.first()).toContainText('2 / 2');
  await expect(page.getByTestId('surveillance-filters')).toBeInViewport();
  await expect(page.getByTestId('surveillance-orders-header')).toBeInViewport();
  await noHorizontalOverflow(page, 'surveillance-orders-table');
  await shot(page, '120-surveillance-orders-1440');

  // The same filters on Trades: that trader's M&M fills only.
  await page.getByTestId('surveillance-tab-trades').click();
  await expect(page).toHaveURL(/tab=trades/);
  const fills = page.getByTestId('surveillance-trade-row');
  await expect(fills.first()).toBeVisible();
  for (const row of await fills.all()) {
    await expect(row).toHaveAttribute('data-user-id', alpha.id);
    await expect(row).toHaveAttribute('data-symbol', 'M&M');
    await expect(row).toHaveAttribute('data-order-id', alphaMm);
  }
  await expect(page.getByTestId('surveillance-status')).toHaveCount(0);
  await expect(page.getByTestId('surveillance-filters')).toBeInViewport();
  await expect(page.getByTestId('surveillance-trades-header')).toBeInViewport();
  await noHorizontalOverflow(page, 'surveillance-trades-table');
  await shot(page, '121-surveillance-trades-1440');

  // The export is the filtered fills, with the trader's email.
  const download = page.waitForEvent('download');
  await page.getByTestId('surveillance-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^trades-.*\.csv$/);
  const [header, ...lines] = (await readFile((await file.path())!, 'utf8')).trim().split('\n');
  expect(header).toBe(
    'trade_id,executed_at,user_id,user_email,order_id,broker,broker_trade_id,symbol,side,product,quantity,price,value,fees',
  );
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toContain(`,${alpha.id},${alpha.email},${alphaMm},mock,`);

  // 1024 × 768: the bar and the table's header are in view, and the table fits without a sideways scroll.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('surveillance-filters')).toBeInViewport();
  await expect(page.getByTestId('surveillance-trades-header')).toBeInViewport();
  await noHorizontalOverflow(page, 'surveillance-trades-table');
  await shot(page, '122-surveillance-trades-1024');

  // Back to Orders, the symbol cleared: both of the trader's orders; a filled count leads to that order's fills.
  await page.getByTestId('surveillance-tab-orders').click();
  await page.getByTestId('surveillance-symbol').fill('');
  await expect(orders).toHaveCount(2);
  await expect(page.getByTestId('surveillance-filters')).toBeInViewport();
  await expect(page.getByTestId('surveillance-orders-header')).toBeInViewport();
  await noHorizontalOverflow(page, 'surveillance-orders-table');
  await shot(page, '123-surveillance-orders-1024');
  await page
    .locator(`[data-testid="surveillance-order-row"][data-order-id="${alphaReliance}"]`)
    .getByTestId('surveillance-order-fills')
    .click();
  await expect(page.getByTestId('surveillance-tab-trades')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('surveillance-order-filter')).toBeVisible();
  await expect(fills.first()).toHaveAttribute('data-order-id', alphaReliance);
  for (const row of await fills.all()) await expect(row).toHaveAttribute('data-order-id', alphaReliance);
});
