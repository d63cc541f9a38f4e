import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, logIn, registerUser, shot } from './support/fixtures';

/** Prices as integers of 1e-4 rupees; money as paise (no floats near either). */
const ticksOf = (price: string) => {
  const [r, f = ''] = price.split('.');
  return Number(r) * 10_000 + Number(f.padEnd(4, '0'));
};
const rupees = (paise: number) =>
  `${paise < 0 ? '-' : ''}${Math.floor(Math.abs(paise) / 100)}.${String(Math.abs(paise) % 100).padStart(2, '0')}`;

async function bearer(request: APIRequestContext, user: { email: string; password: string }) {
  const login = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  return { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
}

async function steer(request: APIRequestContext, symbol: string, price: string | null) {
  const res = await request.post('/api/v1/admin/market/steer', { data: { symbol, price }, headers: await bearer(request, ADMIN) });
  expect(res.status(), await res.text()).toBe(200);
}

test('a trader’s CNC buy shows under Portfolio → Holdings, marked live, with the day’s P&L and the P&L over time', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'holdings');
  const headers = await bearer(request, trader);
  await steer(request, 'ITC', '415.00');
  try {
    // Wait until the market trades at the steered price, then buy 5 at market on the paper account.
    await expect
      .poll(
        async () =>
          ((await (await request.get('/api/v1/market/quotes?symbols=ITC', { headers })).json()) as { items: { ltp: string }[] }).items[0]
            ?.ltp,
      )
      .toBe('415.00');
    const placed = await request.post('/api/v1/orders', {
      data: { symbol: 'ITC', side: 'BUY', type: 'MARKET', product: 'CNC', quantity: 5 },
      headers: { ...headers, 'idempotency-key': randomUUID() },
    });
    expect(placed.status(), await placed.text()).toBe(202);
    const orderId = ((await placed.json()) as { order: { id: string } }).order.id;
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/orders/${orderId}`, { headers })).json()) as { status: string }).status, {
        timeout: 30_000,
      })
      .toBe('FILLED');
    const order = (await (await request.get(`/api/v1/orders/${orderId}`, { headers })).json()) as { averagePrice: string };
    const average = ticksOf(order.averagePrice);
    // The market moves up ₹5: the holding gains 5 × (420 − average), exactly.
    await steer(request, 'ITC', '420.00');
    const expectedPnl = rupees(Math.round((5 * (ticksOf('420.00') - average)) / 100));

    await page.setViewportSize({ width: 1440, height: 900 });
    await logIn(page, trader);
    await page.goto('/portfolio');
    await expect(page).toHaveURL(/\/portfolio\/holdings$/);
    const row = page.getByTestId('holding-row-ITC');
    await expect(row).toHaveAttribute('data-quantity', '5');
    await expect(row).toHaveAttribute('data-ltp', '420.00');
    await expect(row).toHaveAttribute('data-pnl', expectedPnl);
    await expect(page.getByTestId('holdings-total-pnl')).toHaveAttribute('data-value', expectedPnl);
    await expect(page.getByTestId('portfolio-day-pnl')).toHaveText(/^[+-]?₹[\d,]+\.\d\d$/);
    // Today's point of the P&L over time is there, net of the buy's charges.
    const chart = page.getByTestId('pnl-chart');
    // Today's point counts the buy made just now: its open gain less its charges.
    const history = (await (await request.get('/api/v1/portfolio/pnl-history?days=30', { headers })).json()) as {
      points: { unrealized: string; charges: string; net: string }[];
    };
    const today = history.points.at(-1)!;
    expect(today.unrealized).toBe(expectedPnl);
    expect(Number(today.charges)).toBeGreaterThan(0);
    await expect(chart).toHaveAttribute('data-last-net', today.net);
    const points30 = Number(await chart.getAttribute('data-points'));
    expect(points30).toBeGreaterThan(15);
    await page.getByTestId('pnl-range-90').click();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(points30);

    for (const size of [
      { width: 1440, height: 900 },
      { width: 1024, height: 768 },
    ]) {
      await page.setViewportSize(size);
      await expect(page.getByTestId('portfolio-day-pnl')).toBeInViewport();
      await expect(chart).toBeInViewport();
      await page.screenshot({ path: `test-results/screens/130-holdings-${size.width}x${size.height}.png`, fullPage: true });
    }
    await page.getByTestId('subnav-wallet').click();
    await expect(page).toHaveURL(/\/portfolio\/wallet$/);
    await shot(page, '131-portfolio-wallet');
  } finally {
    await steer(request, 'ITC', null);
  }
});
