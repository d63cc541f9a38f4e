import { expect, test } from '@playwright/test';
import { parsePrice } from '@tradeloop/domain';
import { fakeOpenAlgo, fakeOpenAlgoOrders, setFakeOpenAlgoQuote } from './support/fake-openalgo';
import { fundUser, logIn, registerUser, shot } from './support/fixtures';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

test('a trader connects an OpenAlgo account (host and API key, the local fake in analyzer mode), sees it connected and simulated, and a market buy from the ticket fills there', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'openalgo');
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-OPENALGO');
  const install = await fakeOpenAlgo(request);

  // OpenAlgo's book quotes RELIANCE at our own LTP, so a market order holds enough for its fill.
  const session = await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } });
  const { accessToken } = (await session.json()) as { accessToken: string };
  let ltp = 0;
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/v1/market/quotes?symbols=RELIANCE', { headers: { authorization: `Bearer ${accessToken}` } });
        const quote = ((await res.json()) as { items?: { ltp: string }[] }).items?.[0];
        ltp = quote ? parsePrice(quote.ltp) : 0;
        return ltp;
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThan(0);
  await setFakeOpenAlgoQuote(request, { exchange: 'NSE', symbol: 'RELIANCE', ltp, bid: ltp, ask: ltp + 500 });

  // Added with the install's host and API key: no login, it is checked at once.
  await logIn(page, trader);
  await page.goto('/account/brokers');
  await page.getByRole('button', { name: 'Add account' }).click();
  const form = page.getByRole('form', { name: 'Add a broker account' });
  await form.getByLabel('Broker').selectOption('openalgo');
  await form.getByLabel('Account name').fill('OpenAlgo sandbox');
  await expect(form.getByLabel('Host URL')).toHaveAttribute('type', 'url');
  await expect(form.getByLabel('API key')).toHaveAttribute('type', 'password');
  await form.getByLabel('Host URL').fill(install.host);
  await form.getByLabel('API key').fill(install.apiKey);
  await form.getByRole('button', { name: 'Add account' }).click();
  await expect(form).toHaveCount(0);

  const card = page.getByRole('article', { name: 'OpenAlgo sandbox', exact: true });
  await expect(card).toHaveAttribute('data-status', 'connected');
  await expect(card.getByText('Connected', { exact: true })).toBeVisible();
  // Analyzer mode: OpenAlgo simulates the orders, and the account says so.
  await expect(card.getByTestId('broker-account-note')).toContainText('Analyzer mode');
  await expect(card.getByTestId('broker-account-session')).toHaveText('API key (no daily login)');
  // Only the last four characters of the key ever come back.
  await expect(card).not.toContainText(install.apiKey);
  await expect(card.getByRole('button', { name: /Log in/ })).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(page, `80-openalgo-connected-analyzer-${size.width}x${size.height}`);
  }
  await page.setViewportSize(SIZES[0]);

  // The ticket trades it: a market buy goes to OpenAlgo and fills there.
  await page.goto('/trade?symbol=RELIANCE');
  await page.getByTestId('ticket-open-buy').click();
  const ticket = page.getByTestId('order-ticket');
  await ticket.getByLabel('Account').selectOption({ label: 'OpenAlgo sandbox (OpenAlgo)' });
  await expect(ticket.getByText(/^Available at OpenAlgo ₹[\d,]+\.\d\d$/)).toBeVisible();
  await ticket.getByTestId('ticket-type-MARKET').click();
  await ticket.getByLabel('Quantity (lots)').fill('1');
  await ticket.getByRole('button', { name: /^Buy .*RELIANCE$/ }).click();
  const placed = ticket.getByRole('status').filter({ hasText: 'Placed' });
  await expect(placed).toHaveAttribute('data-order-id', /.+/);
  const orderId = (await placed.getAttribute('data-order-id'))!;
  const row = page.getByTestId(`order-row-${orderId}`);
  await expect(row).toHaveAttribute('data-status', 'FILLED', { timeout: 20_000 });
  await expect(row).toHaveAttribute('data-filled', '1');
  await expect(page.getByTestId(`order-account-${orderId}`)).toHaveText('OpenAlgo sandbox');
  // The install's own book: exactly one order, complete.
  expect((await fakeOpenAlgoOrders(request)).map((o) => [o.status, o.filled])).toEqual([['complete', 1]]);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(page, `81-openalgo-market-filled-${size.width}x${size.height}`);
  }
});
