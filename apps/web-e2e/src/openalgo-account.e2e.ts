import { expect, test } from '@playwright/test';
import { fakeOpenAlgo, fakeOpenAlgoOrders, setFakeOpenAlgoQuote } from './support/fake-openalgo';
import { fundUser, logIn, registerUser, shot } from './support/fixtures';
import { marketBuyFromTicket, relianceLtp } from './support/live-trading';

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
  const { ltp } = await relianceLtp(request, trader);
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
  await marketBuyFromTicket(page, 'OpenAlgo sandbox', 'OpenAlgo');
  // The install's own book: exactly one order, complete.
  expect((await fakeOpenAlgoOrders(request)).map((o) => [o.status, o.filled])).toEqual([['complete', 1]]);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shot(page, `81-openalgo-market-filled-${size.width}x${size.height}`);
  }
});
