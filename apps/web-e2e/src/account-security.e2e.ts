import { expect, test, type APIRequestContext } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { logIn, registerUser, shot } from './support/fixtures';

const PERIOD_MS = 30_000;

/**
 * The server accepts TOTP codes of its current step and one either side. Waits (polling) until
 * at least 20 s remain in the current step and returns its start, so codes made for the steps
 * before, at and after it are all accepted for the next 20 s.
 */
async function freshStep(): Promise<number> {
  await expect.poll(() => PERIOD_MS - (Date.now() % PERIOD_MS), { timeout: PERIOD_MS, intervals: [250] }).toBeGreaterThanOrEqual(20_000);
  return Date.now() - (Date.now() % PERIOD_MS);
}

/** Another device's session, signed in through the API. */
async function otherDevice(request: APIRequestContext, user: { email: string; password: string }, otp?: string) {
  const res = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password, ...(otp ? { otp } : {}) } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { accessToken: string; refreshToken: string };
}

async function expectSignedOut(request: APIRequestContext, session: { accessToken: string; refreshToken: string }) {
  expect((await request.get('/api/v1/auth/me', { headers: { authorization: `Bearer ${session.accessToken}` } })).status()).toBe(401);
  expect((await request.post('/api/v1/auth/refresh', { data: { refreshToken: session.refreshToken } })).status()).toBe(401);
}

test('changing the password and turning MFA off sign out the other devices, not this one', async ({ page, request, browser }) => {
  test.setTimeout(120_000); // may wait up to one TOTP period for a fresh step
  const user = await registerUser(request, 'security');
  await logIn(page, user);
  // A second browser signed in as the same user.
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await logIn(otherPage, user);
  const apiDevice = await otherDevice(request, user);

  await page.goto('/account');
  await expect(page.getByTestId('password-form')).toBeVisible();
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(page.getByTestId('password-submit')).toBeInViewport();
    await shot(page, `30-account-${size.width}x${size.height}`);
  }

  // A wrong current password is named under its field; the confirmation is checked before sending.
  await page.getByTestId('password-current').fill('not-my-password-1');
  await page.getByTestId('password-new').fill('a-brand-new-password');
  await page.getByTestId('password-confirm').fill('a-brand-new-passwort');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-form')).toContainText('does not match the new password');
  await page.getByTestId('password-confirm').fill('a-brand-new-password');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-form')).toContainText('is not the password of this account');
  await shot(page, '31-password-wrong-current');

  await page.getByTestId('password-current').fill(user.password);
  await page.getByTestId('password-submit').click();
  await expect(page.getByText('Password changed')).toBeVisible();
  await expect(page.getByTestId('password-current')).toHaveValue('');
  await expectSignedOut(request, apiDevice);
  // The other browser is back at sign-in on its next request; this one is still signed in.
  await otherPage.reload();
  await expect(otherPage.getByTestId('login-email')).toBeVisible();
  await otherContext.close();
  await page.reload();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  user.password = 'a-brand-new-password';

  // MFA on (code of the step before), another device signs in with this step's code.
  const step = await freshStep();
  await page.getByTestId('mfa-setup').click();
  const secret = (await page.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  await page.getByTestId('mfa-otp').fill(totp.generate({ timestamp: step - PERIOD_MS }));
  await page.getByTestId('mfa-enable').click();
  await expect(page.getByTestId('mfa-status')).toHaveText('On');
  await expect(page.getByTestId('mfa-disable-start')).toBeVisible();
  await shot(page, '32-mfa-on');
  const mfaDevice = await otherDevice(request, user, totp.generate({ timestamp: step }));

  // MFA off needs a fresh code (this step's was spent by that sign-in) and the password.
  await page.getByTestId('mfa-disable-start').click();
  await page.getByTestId('mfa-disable-otp').fill(totp.generate({ timestamp: step }));
  await page.getByTestId('mfa-disable-password').fill(user.password);
  await page.getByTestId('mfa-disable').click();
  await expect(page.getByTestId('mfa-disable-form')).toContainText('invalid or was already used');
  await page.getByTestId('mfa-disable-otp').fill(totp.generate({ timestamp: step + PERIOD_MS }));
  await page.getByTestId('mfa-disable-password').fill('not-my-password-1');
  await page.getByTestId('mfa-disable').click();
  await expect(page.getByTestId('mfa-disable-form')).toContainText('is not the password of this account');
  await shot(page, '33-mfa-disable-wrong-password');
  await page.getByTestId('mfa-disable-password').fill(user.password);
  await page.getByTestId('mfa-disable').click();
  await expect(page.getByTestId('mfa-status')).toHaveText('Off');
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  await expect(page.getByTestId('mfa-setup')).toBeVisible();
  await expectSignedOut(request, mfaDevice);
  await shot(page, '34-mfa-off');

  // Signing in again needs the new password and no code.
  await page.reload();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await otherDevice(request, user);
});

test('registering an email that is already taken looks exactly like a new registration', async ({ page, request }) => {
  const existing = await registerUser(request, 'taken');
  const texts: string[] = [];
  for (const email of [`fresh-${Date.now().toString(36)}@e2e.test`, existing.email.toUpperCase()]) {
    await page.goto('/register');
    await page.getByTestId('register-email').fill(email);
    await page.getByTestId('register-name').fill('Someone');
    await page.getByTestId('register-password').fill('someone-password-1');
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('login-registered')).toBeVisible();
    await expect(page.getByTestId('login-email')).toHaveValue(email.toLowerCase());
    texts.push((await page.getByTestId('login-registered').innerText()).replace(email.toLowerCase(), '<email>'));
  }
  expect(texts[1]).toBe(texts[0]);
  await shot(page, '35-registered');
  // The taken account keeps its own password.
  await logIn(page, existing);
});
