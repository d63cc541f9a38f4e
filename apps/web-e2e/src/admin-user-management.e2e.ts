import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ADMIN, fundUser, logIn, logOut, registerUser, shot } from './support/fixtures';

// Admin → Users (issue 19, "Missing that Kite users expect" → Admin): an admin opens an account
// with a temporary password, resets a user's password and MFA, and reads one user's page.

const TEMPORARY = /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/;
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

async function tokenOf(request: APIRequestContext, user: { email: string; password: string }) {
  const login = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(login.status(), await login.text()).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** The admin's users list, narrowed to one email (the list is newest first and shared with other tests). */
async function findUser(page: Page, email: string) {
  await page.goto('/admin/users');
  await page.getByTestId('user-search').fill(email);
  // The search is debounced: wait until the list shows this user alone.
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  const row = page.getByTestId('user-row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  return row;
}

/** Signs in with a temporary password: the only screen is "choose your password"; sets `password` and lands in the app. */
async function chooseOwnPassword(page: Page, email: string, temporary: string, password: string, screenshot?: string) {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(temporary);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('choose-password')).toBeVisible();
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  await expect(page.getByTestId('password-submit')).toBeInViewport();
  if (screenshot) await shot(page, screenshot);
  await page.getByTestId('password-current').fill(temporary);
  await page.getByTestId('password-new').fill(password);
  await page.getByTestId('password-confirm').fill(password);
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await expect(page.getByTestId('choose-password')).toHaveCount(0);
}

async function loginRefused(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
}

test('an admin creates a user who signs in with the temporary password, then resets their password and their MFA', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const email = `made-by-admin-${Date.now().toString(36)}@e2e.test`;
  await page.setViewportSize(VIEWPORTS[0]);
  await logIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin\/users$/);

  // New user: email, name, roles; the primary action is on screen at both sizes.
  await page.getByTestId('new-user').click();
  const dialog = page.getByTestId('new-user-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('new-user-role-trader')).toBeChecked();
  await page.getByTestId('new-user-email').fill(email);
  await page.getByTestId('new-user-name').fill('Asha Admin-Made');
  await page.getByTestId('new-user-role-quant').check();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expect(page.getByTestId('new-user-submit')).toBeInViewport();
    await shot(page, `admin-users-new-user-form-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[0]);
  await page.getByTestId('new-user-submit').click();

  // The temporary password, shown once with a copy button.
  await expect(page.getByTestId('new-user-created')).toBeVisible();
  const temporary = (await page.getByTestId('temporary-password').innerText()).trim();
  expect(temporary).toMatch(TEMPORARY);
  await expect(dialog.getByRole('button', { name: 'Copy temporary password' })).toBeVisible();
  await expect(page.getByTestId('new-user-done')).toBeInViewport();
  await shot(page, 'admin-users-new-user-password-1440');
  await page.getByTestId('new-user-done').click();
  await expect(dialog).not.toBeVisible();
  // A taken email is refused in place, next to the field.
  await page.getByTestId('new-user').click();
  await page.getByTestId('new-user-email').fill(email.toUpperCase());
  await page.getByTestId('new-user-name').fill('Someone Else');
  await page.getByTestId('new-user-submit').click();
  await expect(dialog.getByText('is already registered')).toBeVisible();
  await expect(page.getByTestId('new-user-created')).toHaveCount(0);
  await page.keyboard.press('Escape');

  let row = await findUser(page, email);
  await expect(row.getByTestId('user-temporary')).toBeVisible();
  await expect(row).toContainText('Asha Admin-Made');
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expect(row.getByTestId('edit-user')).toBeInViewport();
    await shot(page, `admin-users-list-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[0]);
  await logOut(page);

  // The user signs in with it and must choose their own password before anything else.
  await chooseOwnPassword(page, email, temporary, 'asha-own-password-1', 'admin-users-choose-password-1440');
  await logOut(page);

  // The admin resets the password: confirmation, then a new temporary password, once.
  await logIn(page, ADMIN);
  row = await findUser(page, email);
  await expect(row.getByTestId('user-temporary')).toHaveCount(0);
  await row.getByTestId('user-reset').click();
  await expect(page.getByTestId('credential-reset-dialog')).toBeVisible();
  await expect(page.getByTestId('credential-reset-kind-mfa')).toBeDisabled(); // MFA is off
  await expect(page.getByTestId('credential-reset-kind-password')).toBeChecked();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expect(page.getByTestId('credential-reset-confirm')).toBeInViewport();
    await shot(page, `admin-users-reset-password-confirm-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[0]);
  await page.getByTestId('credential-reset-confirm').click();
  await expect(page.getByTestId('temporary-password-dialog')).toBeVisible();
  const reset = (await page.getByTestId('temporary-password').innerText()).trim();
  expect(reset).toMatch(TEMPORARY);
  expect(reset).not.toBe(temporary);
  await expect(page.getByTestId('temporary-password-done')).toBeInViewport();
  await shot(page, 'admin-users-reset-password-issued-1440');
  await page.getByTestId('temporary-password-done').click();
  await expect(row.getByTestId('user-temporary')).toBeVisible();
  await logOut(page);

  // The password they chose is refused now; the new temporary one works (and asks for their own again).
  await loginRefused(page, email, 'asha-own-password-1');
  await chooseOwnPassword(page, email, reset, 'asha-own-password-2');
  await logOut(page);

  // They turn MFA on (as from Account); the next sign-in asks for a code.
  const user = { email, password: 'asha-own-password-2' };
  const token = await tokenOf(request, user);
  const setup = await request.post('/api/v1/auth/mfa/setup', { headers: { authorization: `Bearer ${token}` } });
  expect(setup.status()).toBe(200);
  const totp = new TOTP({ secret: Secret.fromBase32(((await setup.json()) as { secret: string }).secret) });
  const enabled = await request.post('/api/v1/auth/mfa/enable', {
    data: { otp: totp.generate() },
    headers: { authorization: `Bearer ${token}` },
  });
  expect(enabled.status(), await enabled.text()).toBe(200);
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-otp')).toBeVisible();

  // Lost phone: the admin resets their MFA.
  await logIn(page, ADMIN);
  row = await findUser(page, email);
  await expect(row.getByTestId('user-mfa')).toHaveText('Yes');
  await row.getByTestId('user-reset').click();
  await page.getByTestId('credential-reset-kind-mfa').check();
  await expect(page.getByTestId('credential-reset-dialog')).toContainText('Two-factor authentication is turned off');
  await expect(page.getByTestId('credential-reset-confirm')).toHaveText('Reset MFA');
  await expect(page.getByTestId('credential-reset-confirm')).toBeInViewport();
  await page.getByTestId('credential-reset-confirm').click();
  await expect(page.getByTestId('credential-reset-dialog')).not.toBeVisible();
  await expect(row.getByTestId('user-mfa')).toHaveText('No');
  await logOut(page);

  // They sign in with the password alone, no code asked.
  await logIn(page, user);
  await expect(page.getByTestId('login-otp')).toHaveCount(0);
});

test('the admin opens a funded trader’s page: wallet, positions, orders, limits and broker accounts', async ({ page, request }) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'admin-page');
  await fundUser(request, trader.id, '250000.00', 'NEFT-E2E-ADMIN-PAGE');
  // The trader buys M&M on their paper account; the simulated market fills it.
  const token = await tokenOf(request, trader);
  const placed = await request.post('/api/v1/orders', {
    data: { symbol: 'M&M', side: 'BUY', type: 'MARKET', product: 'CNC', quantity: 2 },
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
  });
  expect(placed.status(), await placed.text()).toBe(202);
  const orderId = ((await placed.json()) as { order: { id: string } }).order.id;
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as { status: string }).status;
      },
      { timeout: 20_000 },
    )
    .toBe('FILLED');

  await page.setViewportSize(VIEWPORTS[0]);
  await logIn(page, ADMIN);
  const row = await findUser(page, trader.email);
  await row.getByTestId('user-open').click();
  await expect(page).toHaveURL(new RegExp(`/admin/users/${trader.id}$`));
  const userPage = page.getByTestId('admin-user-page');
  await expect(userPage).toHaveAttribute('data-user-id', trader.id);
  await expect(page.getByTestId('admin-user-email')).toHaveText(trader.email);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`E2E admin-page`);
  await expect(page.getByTestId('admin-user-roles')).toContainText('trader');
  await expect(page.getByTestId('admin-user-status')).toHaveAttribute('data-disabled', 'false');
  await expect(page.getByTestId('admin-user-password')).toHaveAttribute('data-temporary', 'false');
  await expect(page.getByTestId('admin-user-created')).toContainText(/IST|UTC|GMT/);

  // Wallet: the deposit, in rupees with Indian grouping.
  await expect(page.getByTestId('admin-user-wallet-total')).toHaveText('₹2,50,000.00');
  // Positions and orders: the M&M buy, filled.
  const position = page.locator('[data-testid="admin-user-position"][data-symbol="M&M"]');
  await expect(position).toHaveAttribute('data-net', '2');
  await expect(position).toContainText('Paper');
  const order = page.locator(`[data-testid="admin-user-order"][data-order-id="${orderId}"]`);
  await expect(order).toHaveAttribute('data-status', 'FILLED');
  await expect(order).toContainText('M&M');
  await expect(order).toContainText(/IST|UTC|GMT/);
  // Limits (the defaults) and the kill switch, editable here as on Admin → Risk.
  await expect(page.getByTestId('risk-limit-maxDailyLoss')).toHaveValue('50000.00');
  await expect(page.getByTestId('user-kill-switch-state')).toHaveAttribute('data-engaged', 'false');
  // Broker accounts: their paper account.
  await expect(page.getByTestId('admin-user-brokers').locator('[data-kind="paper"]').first()).toBeVisible();

  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expect(page.getByTestId('admin-user-reset-password')).toBeInViewport();
    await shot(page, `admin-user-page-${viewport.width}`);
    // The limits form fits the window: with its panel in view, Save is on screen without scrolling inside.
    await page.getByTestId('risk-limits-form').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('risk-limits-save')).toBeInViewport();
  }

  // A limit saved from here is the trader's (read back after a reload).
  await page.setViewportSize(VIEWPORTS[0]);
  await page.getByTestId('risk-limit-maxOpenOrders').fill('7');
  await page.getByTestId('risk-limits-save').click();
  await expect(page.getByTestId('risk-limits-saved')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('risk-limit-maxOpenOrders')).toHaveValue('7');

  // Back to the list; an unknown id says so.
  await page.getByTestId('admin-user-back').click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await page.goto('/admin/users/0190f5e6-0000-7000-8000-000000000000');
  await expect(page.getByTestId('admin-user-missing')).toBeVisible();
});
