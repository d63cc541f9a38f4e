import { expect, test, type Page } from '@playwright/test';
import { formatPrice } from '@tradeloop/domain';
import { fakeKiteApp, rollFakeKiteDay, setFakeKiteQuote } from './support/fake-kite';
import { ADMIN, fundUser, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';
import { marketBuyFromTicket, relianceLtp } from './support/live-trading';

// What the trader types; only the last four characters may ever come back.
const KITE = { apiKey: 'kitekeyE2E1234', apiSecret: 'kitesecretE2EWXYZ' };
const SPARE = { apiKey: 'sparekeyE2E5678', apiSecret: 'sparesecretE2EQRST' };

const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

async function addKiteAccount(page: Page, name: string, creds: { apiKey: string; apiSecret: string }) {
  await page.getByRole('button', { name: 'Add account' }).click();
  const form = page.getByRole('form', { name: 'Add a broker account' });
  await expect(form.getByLabel('Broker')).toHaveValue('kite');
  await form.getByLabel('Account name').fill(name);
  // Secrets are typed into password boxes, never echoed.
  await expect(form.getByLabel('API key')).toHaveAttribute('type', 'password');
  await expect(form.getByLabel('API secret')).toHaveAttribute('type', 'password');
  await form.getByLabel('API key').fill(creds.apiKey);
  await form.getByLabel('API secret').fill(creds.apiSecret);
  await form.getByRole('button', { name: 'Add account' }).click();
  await expect(form).toHaveCount(0);
  await expect(card(page, name)).toBeVisible();
}

test('a trader adds Kite accounts (masked, needing login, with the banner), renames one, makes it the default, disables the other; the ticket names the account and shows the 409 reasons; an admin sees the accounts without secrets', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'brokers');
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-BROKERS');
  await logIn(page, trader);

  // Account → Brokers, through the user menu. Every user has a paper account, the default.
  await page.getByTestId('user-menu').click();
  await page.getByRole('link', { name: 'Broker accounts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Brokers' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Broker accounts' });
  const paper = list.locator('article[data-kind="paper"]');
  await expect(paper).toHaveCount(1);
  await expect(paper).toHaveAttribute('data-default', 'true');
  await expect(paper.getByText('Connected', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Broker login needed' })).toHaveCount(0);
  // Its virtual balance is set from the page (paper money, in ₹ with Indian grouping).
  await paper.getByRole('button', { name: 'Edit' }).click();
  const paperDialog = page.getByRole('dialog', { name: 'Edit broker account' });
  await paperDialog.getByLabel('Set virtual balance (₹)').fill('500000');
  await paperDialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(paperDialog).toBeHidden();
  await expect(paper).toContainText('₹5,00,000.00');

  // A Kite account: shown masked (last four characters), needing its first login.
  await addKiteAccount(page, 'Zerodha main', KITE);
  const main = card(page, 'Zerodha main');
  await expect(main).toHaveAttribute('data-status', 'needs_login');
  await expect(main.getByText('Needs login', { exact: true })).toBeVisible();
  await expect(main).toContainText('••••1234');
  await expect(main).toContainText('••••WXYZ');
  await expect(page.getByText(KITE.apiKey)).toHaveCount(0);
  await expect(page.getByText(KITE.apiSecret)).toHaveCount(0);
  // Its login is the card's primary action, and the app-wide banner offers it in one click.
  await expect(main.getByRole('button', { name: 'Log in to Kite' })).toHaveClass(/button-primary/);
  const banner = page.getByRole('region', { name: 'Broker login needed' });
  await expect(banner).toContainText('Zerodha main');
  await expect(banner.getByRole('button', { name: 'Log in to Kite' })).toBeVisible();
  // The broker's own view waits for a connected account; ours is beside it.
  await main.getByRole('button', { name: 'Funds & positions' }).click();
  await expect(main.getByRole('region', { name: 'Zerodha main at the broker' })).toContainText('Available once the account is connected.');
  await expect(main.getByRole('region', { name: 'Zerodha main in Tradeloop' })).toContainText('No open positions through this account.');
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(main.getByRole('button', { name: 'Log in to Kite' })).toBeVisible();
    await shot(page, `70-brokers-needs-login-${size.width}x${size.height}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // A second one, renamed, then made the default (the paper account stops being it).
  await addKiteAccount(page, 'Zerodha spare', SPARE);
  await card(page, 'Zerodha spare').getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit broker account' });
  await dialog.getByLabel('Account name').fill('Zerodha HUF');
  await expect(dialog.getByLabel('New API secret')).toHaveAttribute('type', 'password');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  const huf = card(page, 'Zerodha HUF');
  await expect(huf).toContainText('••••5678');
  await huf.getByRole('button', { name: 'Make default' }).click();
  await expect(huf).toHaveAttribute('data-default', 'true');
  await expect(paper).toHaveAttribute('data-default', 'false');
  await expect(banner).toHaveAttribute('data-count', '2');

  // Disabled: no longer offered a login, and no longer in the banner.
  await main.getByRole('button', { name: 'Disable' }).click();
  await expect(main).toHaveAttribute('data-status', 'disabled');
  await expect(main.getByText('Disabled', { exact: true })).toBeVisible();
  await expect(main.getByRole('button', { name: 'Log in to Kite' })).toHaveCount(0);
  await expect(banner).toHaveAttribute('data-count', '1');
  await shot(page, '71-brokers-default-disabled');

  // The ticket: the default account preselected, every account offered with what it is.
  const hufId = (await huf.getAttribute('data-testid'))!.replace('broker-account-', '');
  await page.goto('/trade?symbol=RELIANCE');
  await expect(page.getByRole('region', { name: 'Broker login needed' })).toContainText('Zerodha HUF');
  await page.getByTestId('ticket-open-buy').click();
  const ticket = page.getByTestId('order-ticket');
  const account = ticket.getByLabel('Account');
  await expect(account).toHaveValue(hufId);
  await expect(account.locator('option')).toHaveText([
    'Zerodha HUF (Zerodha Kite) · default — needs login',
    'Paper · virtual money',
    'Zerodha main (Zerodha Kite) — disabled',
  ]);
  await expect(ticket).toContainText('Needs login');
  await ticket.getByTestId('ticket-type-MARKET').click();
  await ticket.getByLabel('Quantity (lots)').fill('1');

  // The default needs a login: the server's 409, with the login one click away.
  const submit = ticket.getByRole('button', { name: /^Buy .*RELIANCE$/ });
  await expect(submit).toBeInViewport();
  await submit.click();
  const refusal = ticket.getByRole('alert');
  await expect(refusal).toHaveAttribute('data-code', 'BROKER_LOGIN_REQUIRED');
  await expect(refusal).toContainText('Broker login required');
  await expect(refusal).toContainText('Zerodha HUF');
  await expect(refusal.getByRole('button', { name: 'Log in to Kite' })).toBeVisible();
  await shot(page, '72-ticket-login-required');

  // The disabled one: refused with the server's reason.
  await account.selectOption({ label: 'Zerodha main (Zerodha Kite) — disabled' });
  await submit.click();
  await expect(refusal).toHaveAttribute('data-code', 'ACCOUNT_DISABLED');
  await expect(refusal).toContainText('Account disabled');
  await expect(refusal).toContainText('"Zerodha main" is disabled');
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(submit).toBeInViewport();
    await shot(page, `73-ticket-account-disabled-${size.width}x${size.height}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // Paper still trades: the order goes through the account picked and fills.
  await account.selectOption({ label: 'Paper · virtual money' });
  await submit.click();
  const placed = ticket.getByRole('status').filter({ hasText: 'Placed' });
  await expect(placed).toHaveAttribute('data-order-id', /.+/);
  const orderId = (await placed.getAttribute('data-order-id'))!;
  await expect(page.getByTestId(`order-row-${orderId}`)).toHaveAttribute('data-status', 'FILLED', { timeout: 15_000 });
  await expect(page.getByTestId(`order-account-${orderId}`)).toHaveText('Paper');

  // "Log in to Kite" sends the browser to Kite's login page with the account's API key and a state
  // (answered here: these keys are not the fake Kite's app; the whole round trip is the next test).
  await page.route(
    (url) => url.searchParams.get('api_key') === SPARE.apiKey,
    (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Kite login</title><h1>Kite login</h1>' }),
  );
  await page.getByRole('region', { name: 'Broker login needed' }).getByRole('button', { name: 'Log in to Kite' }).click();
  await expect(page).toHaveTitle('Kite login');
  const loginUrl = new URL(page.url());
  expect(loginUrl.searchParams.get('api_key')).toBe(SPARE.apiKey);
  expect(loginUrl.searchParams.get('v')).toBe('3');
  expect(new URLSearchParams(loginUrl.searchParams.get('redirect_params') ?? '').get('state')).toBeTruthy();

  // The callback's outcome, as it lands back on the page.
  await page.goto('/account/brokers?login=failed&reason=Kite%20refused%20the%20request%20token');
  const outcome = page.getByRole('alert').filter({ hasText: 'The broker login did not complete.' });
  await expect(outcome).toContainText('Kite refused the request token');
  await outcome.getByRole('button', { name: 'Dismiss' }).click();
  await expect(outcome).toHaveCount(0);
  await expect(page).toHaveURL(/\/account\/brokers$/);

  // An admin sees the trader's accounts: status and masked credentials, never the secrets.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await logIn(page, ADMIN);
  await page.goto('/admin/users');
  await page.getByLabel('Search users by email or name').fill(trader.email);
  await page.getByRole('button', { name: `Broker accounts of ${trader.email}` }).click();
  const drawer = page.getByRole('dialog', { name: `Broker accounts · ${trader.email}` });
  const items = drawer.getByRole('listitem');
  await expect(items).toHaveCount(3);
  await expect(items.filter({ hasText: 'Zerodha HUF' })).toContainText('Needs login');
  await expect(items.filter({ hasText: 'Zerodha HUF' })).toContainText('Default');
  await expect(items.filter({ hasText: 'Zerodha main' })).toContainText('Disabled');
  await expect(drawer).toContainText('••••1234');
  await expect(drawer).toContainText('••••5678');
  for (const secret of [KITE.apiKey, KITE.apiSecret, SPARE.apiKey, SPARE.apiSecret]) await expect(drawer).not.toContainText(secret);
  await shot(page, '74-admin-user-broker-accounts');
  // And may switch one off.
  await drawer.getByRole('button', { name: 'Disable Zerodha HUF' }).click();
  await expect(items.filter({ hasText: 'Zerodha HUF' })).toHaveAttribute('data-status', 'disabled');
  await expect(drawer.getByRole('button', { name: 'Enable Zerodha HUF' })).toBeVisible();
});

test('a trader connects a Kite account through Kite’s login (the local fake Kite) and trades it from the ticket: a market buy fills at Kite, a limit under the market rests there and is cancelled', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'kite');
  // Live orders hold the trader's wallet as paper ones do.
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-KITE');
  const app = await fakeKiteApp(request);

  // Kite's book quotes RELIANCE at our own LTP, so a market order holds enough for its fill.
  const { ltp, accessToken } = await relianceLtp(request, trader);
  await setFakeKiteQuote(request, { exchange: 'NSE', tradingsymbol: 'RELIANCE', ltp, bid: ltp, ask: ltp + 500 });

  // Added with the Kite app's key and secret; it needs its first login.
  await logIn(page, trader);
  await page.goto('/account/brokers');
  await addKiteAccount(page, 'Zerodha live', app);
  const live = card(page, 'Zerodha live');
  await expect(live).toHaveAttribute('data-status', 'needs_login');

  // One click: Kite's login page, its redirect to our callback, and back here connected.
  await live.getByRole('button', { name: 'Log in to Kite' }).click();
  await expect(page).toHaveURL(/\/account\/brokers\?login=ok/);
  await expect(page.getByRole('status').filter({ hasText: 'Logged in at the broker.' })).toBeVisible();
  await expect(live).toHaveAttribute('data-status', 'connected');
  await expect(live.getByText('Connected', { exact: true })).toBeVisible();
  await expect(live).toContainText(/valid until \d\d:\d\d IST/);
  await expect(page.getByRole('region', { name: 'Broker login needed' })).toHaveCount(0);
  // Its funds as Kite reports them.
  await live.getByRole('button', { name: 'Funds & positions' }).click();
  await expect(live.getByRole('region', { name: 'Zerodha live at the broker' })).toContainText(/Available cash\s*₹[\d,]+\.\d\d/);
  await shot(page, '75-kite-connected');

  // The ticket trades it: a market buy goes to Kite and fills there.
  const { ticket, submit, placed, orderId: buyId } = await marketBuyFromTicket(page, 'Zerodha live', 'Zerodha Kite');
  await shot(page, '76-kite-market-filled');

  // A limit 3 % under the market (inside the price band, on Kite's ₹0.10 grid for RELIANCE) rests
  // OPEN at Kite; cancelling it there releases its hold.
  await ticket.getByTestId('ticket-type-LIMIT').click();
  await ticket.getByLabel('Price').fill(formatPrice(Math.floor((ltp * 97) / 100 / 1000) * 1000));
  await submit.click();
  await expect(placed).not.toHaveAttribute('data-order-id', buyId);
  const limitId = (await placed.getAttribute('data-order-id'))!;
  const limitRow = page.getByTestId(`order-row-${limitId}`);
  await expect(limitRow).toHaveAttribute('data-status', 'OPEN', { timeout: 20_000 });
  await page.getByTestId(`order-cancel-${limitId}`).click();
  await page.getByTestId('order-cancel-confirm').click();
  await expect(limitRow).toHaveAttribute('data-status', 'CANCELLED', { timeout: 20_000 });
  await expect(page.getByTestId('trade-wallet-held')).toHaveText('₹0.00');
  await shot(page, '77-kite-limit-cancelled');

  // The wallet says what each entry was for ("BUY 1 RELIANCE", the fill a settlement paid), and
  // gathers each order's hold, release and settlement in one row: the cancelled limit nets to zero.
  await page.goto('/portfolio/wallet');
  const forCells = page.getByTestId('wallet-entries').getByTestId('entry-order');
  await expect(forCells.filter({ hasText: 'BUY 1 RELIANCE' }).first()).toBeVisible();
  // The settlement's entries (held released, cost and charges paid) each name the fill they paid for.
  await expect(page.getByTestId('wallet-entries').getByTestId('entry-order').filter({ hasText: 'fill 1 @' }).first()).toBeVisible();
  await page.getByTestId('wallet-view-orders').click();
  const limitGroup = page.locator(`[data-testid="wallet-order-group"][data-order-id="${limitId}"]`);
  await expect(limitGroup).toHaveAttribute('data-net', '0.00');
  // Its hold and its release, two legs each (cash and held).
  await expect(limitGroup).toHaveAttribute('data-count', '4');
  const buyGroup = page.locator(`[data-testid="wallet-order-group"][data-order-id="${buyId}"]`);
  await expect(buyGroup).toContainText('BUY 1 RELIANCE');
  await expect(buyGroup).not.toHaveAttribute('data-net', '0.00');
  await expect(page.getByTestId('wallet-entry-groups').getByTestId('wallet-entry-row').filter({ hasText: 'NEFT-E2E-KITE' })).toHaveCount(1);
  await shot(page, '77b-wallet-by-order');

  // The position, as Kite reports it and as we hold it, side by side.
  await page.goto('/account/brokers');
  await live.getByRole('button', { name: 'Funds & positions' }).click();
  const atKite = live.getByRole('region', { name: 'Zerodha live at the broker' });
  const ours = live.getByRole('region', { name: 'Zerodha live in Tradeloop' });
  await expect(atKite.getByRole('table', { name: 'Positions at the broker' }).getByRole('row', { name: /RELIANCE/ })).toContainText('1');
  await expect(ours.getByRole('table', { name: 'Positions in Tradeloop' }).getByRole('row', { name: /RELIANCE/ })).toContainText('1');
  await shot(page, '78-kite-broker-view-beside-ours');

  // The broker's delivery holdings, beside its positions: today only what the demat account held
  // before the platform (the fake's INFY). When Kite's day ends, today's CNC buy leaves its
  // positions and becomes a T1 holding; ours stays a position.
  const holdingsAtKite = atKite.getByRole('table', { name: 'Holdings at the broker' });
  await expect(holdingsAtKite.getByRole('row', { name: /INFY/ }).getByRole('cell').nth(1)).toHaveText('10');
  await expect(holdingsAtKite.getByRole('row', { name: /RELIANCE/ })).toHaveCount(0);
  await rollFakeKiteDay(request);
  await page.reload();
  await live.getByRole('button', { name: 'Funds & positions' }).click();
  await expect(atKite).toContainText('No open positions at the broker.');
  const heldReliance = holdingsAtKite.getByRole('row', { name: /RELIANCE/ }).getByRole('cell');
  await expect(heldReliance.nth(1)).toHaveText('0');
  await expect(heldReliance.nth(2)).toHaveText('1');
  await expect(holdingsAtKite.getByRole('row', { name: /INFY/ }).getByRole('cell').nth(1)).toHaveText('10');
  await expect(ours.getByRole('table', { name: 'Positions in Tradeloop' }).getByRole('row', { name: /RELIANCE/ })).toContainText('1');
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await holdingsAtKite.scrollIntoViewIfNeeded();
    await shot(page, `78b-kite-holdings-after-day-roll-${size.width}x${size.height}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // The daily reconciliation, started by an admin: the account's cash at Kite is mirrored in the
  // ledger (its first run opens the mirror at Kite's figure), and compliance finds it by book.
  const adminLogin = await request.post('/api/v1/auth/login', { data: ADMIN });
  const adminHeaders = { authorization: `Bearer ${((await adminLogin.json()) as { accessToken: string }).accessToken}` };
  const accounts = (await (
    await request.get('/api/v1/broker-accounts', { headers: { authorization: `Bearer ${accessToken}` } })
  ).json()) as {
    items: { id: string; name: string }[];
  };
  const liveId = accounts.items.find((a) => a.name === 'Zerodha live')!.id;
  const job = await request.post('/api/v1/admin/jobs/broker-reconciliation', { data: { accountId: liveId }, headers: adminHeaders });
  expect(job.status(), await job.text()).toBe(202);
  const auditor = await registerUser(request, 'mirror-auditor');
  await grantRoles(request, auditor.id, ['compliance']);
  await logOut(page);
  await logIn(page, auditor);
  await page.goto('/compliance/ledger');
  await page.getByTestId('ledger-book-filter').selectOption('mirror');
  const mirrorRows = page.getByTestId('ledger-row').filter({ hasText: 'broker cash' });
  // The worker runs the job: refresh until its posting is there.
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return mirrorRows.count();
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  await expect(page.getByTestId('ledger-row').filter({ hasText: 'paper' })).toHaveCount(0);
  await mirrorRows.first().click();
  const drill = page.getByTestId('tx-drilldown');
  await expect(drill).toContainText('RECONCILE');
  await expect(drill).toContainText('ADJUSTMENT');
  await shot(page, '79-ledger-broker-cash-mirror');
});
