import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, logIn, registerUser, shot } from './support/fixtures';

/** Prices as integers of 1e-4 rupees (no floats near a price). */
const ticksOf = (price: string | null) => {
  const [r, f = ''] = (price ?? '').split('.');
  return Number(r) * 10_000 + Number(f.padEnd(4, '0'));
};
const priceOf = (ticks: number) =>
  `${Math.floor(ticks / 10_000)}.${String(ticks % 10_000)
    .padStart(4, '0')
    .slice(0, 2)}`;

async function adminHeaders(request: APIRequestContext) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  return { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
}

async function steer(request: APIRequestContext, symbol: string, price: string | null) {
  const res = await request.post('/api/v1/admin/market/steer', { data: { symbol, price }, headers: await adminHeaders(request) });
  expect(res.status(), await res.text()).toBe(200);
}

test('a trader opens NIFTY’s option chain around the money (IV, OI, in-the-money shading, expiries) and buys the ATM call from its cell', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'chain');
  const headers = await adminHeaders(request);
  // NIFTY pinned ₹10 above a strike: that strike is the money, whatever the feed did before.
  const quote = await request.get('/api/v1/market/quotes?symbols=NIFTY', { headers });
  const ltp = ticksOf(((await quote.json()) as { items: { ltp: string }[] }).items[0]!.ltp);
  const atm = Math.round(ltp / 500_000) * 500_000;
  await steer(request, 'NIFTY', priceOf(atm + 100_000));

  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await logIn(page, trader);
    await page.goto('/trade?symbol=NIFTY');
    await page.getByTestId('trade-option-chain-link').click();
    await expect(page).toHaveURL(/\/trade\/option-chain\?underlying=NIFTY$/);
    const table = page.getByTestId('option-chain');
    await expect(page.getByTestId('chain-underlying-NIFTY')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('chain-spot')).toHaveAttribute('data-ltp', priceOf(atm + 100_000));
    await expect(table).toHaveAttribute('data-atm', priceOf(atm));
    await expect(table).toHaveAttribute('data-rows', '21');
    const atmRow = page.getByTestId(`chain-row-${priceOf(atm)}`);
    await expect(atmRow).toHaveAttribute('data-atm', 'true');

    // Below the money calls are in it, above it puts; every side has a price, an IV and an OI.
    const below = priceOf(atm - 500_000);
    const above = priceOf(atm + 500_000);
    await expect(page.getByTestId(`chain-CE-${below}`)).toHaveAttribute('data-itm', 'true');
    await expect(page.getByTestId(`chain-PE-${below}`)).toHaveAttribute('data-itm', 'false');
    await expect(page.getByTestId(`chain-PE-${above}`)).toHaveAttribute('data-itm', 'true');
    await expect(page.getByTestId(`chain-CE-${above}`)).toHaveAttribute('data-itm', 'false');
    const call = page.getByTestId(`chain-CE-${priceOf(atm)}`);
    await expect(call).toHaveAttribute('data-ltp', /^\d+\.\d{2}$/);
    await expect(call).toHaveAttribute('data-iv', /^\d+\.\d$/);
    const iv = Number(await call.getAttribute('data-iv'));
    expect(iv).toBeGreaterThan(3);
    expect(iv).toBeLessThan(80);
    expect(Number(await call.getAttribute('data-oi'))).toBeGreaterThan(0);
    // The ATM call and put cost about the same (put–call parity near the money): within ₹150.
    const put = page.getByTestId(`chain-PE-${priceOf(atm)}`);
    await expect(put).toHaveAttribute('data-ltp', /^\d+\.\d{2}$/);
    expect(Math.abs(ticksOf(await call.getAttribute('data-ltp')) - ticksOf(await put.getAttribute('data-ltp')))).toBeLessThan(1_500_000);

    // The primary action is in sight at both sizes: the picker, the ATM row and its buy button.
    for (const size of [
      { width: 1440, height: 900 },
      { width: 1024, height: 768 },
    ]) {
      await page.setViewportSize(size);
      await expect(page.getByTestId('chain-expiry')).toBeInViewport();
      await atmRow.scrollIntoViewIfNeeded();
      await expect(atmRow).toBeInViewport();
      await atmRow.hover();
      const symbol = (await call.getAttribute('data-symbol'))!;
      await expect(page.getByTestId(`chain-buy-${symbol}`)).toBeInViewport();
      expect(
        await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth),
        `no overflow at ${size.width}`,
      ).toBe(true);
      await page.screenshot({ path: `test-results/screens/120-option-chain-${size.width}x${size.height}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // A later expiry: the table follows.
    const expiries = await page
      .getByTestId('chain-expiry')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(expiries.length).toBeGreaterThan(1);
    expect(expiries).toEqual([...expiries].sort());
    await page.getByTestId('chain-expiry').selectOption(expiries[1]!);
    await expect(table).toHaveAttribute('data-expiry', expiries[1]!);
    await page.getByTestId('chain-expiry').selectOption(expiries[0]!);
    await expect(table).toHaveAttribute('data-expiry', expiries[0]!);

    // One click from the ATM call's cell: the Trade page, the ticket open on it as a buy; it places.
    const symbol = (await call.getAttribute('data-symbol'))!;
    await atmRow.hover();
    await page.getByTestId(`chain-buy-${symbol}`).click();
    await expect(page).toHaveURL(/\/trade\?symbol=/);
    await expect(page.getByTestId('order-ticket')).toBeVisible();
    await expect(page.getByTestId('ticket-symbol')).toHaveValue(symbol);
    await expect(page.getByTestId('ticket-side-buy')).toHaveAttribute('aria-pressed', 'true');
    await expect(page).not.toHaveURL(/ticket=/);
    await page.getByTestId('ticket-submit').click();
    await expect(page.getByTestId('ticket-placed')).toHaveAttribute('data-order-id', /.+/);
    await expect(page.getByTestId('ticket-placed')).toHaveAttribute('data-status', 'FILLED', { timeout: 15_000 });
    await shot(page, '121-option-chain-bought-atm-call');
  } finally {
    await steer(request, 'NIFTY', null);
  }
});
