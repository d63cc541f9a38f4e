import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { logIn, logOut, registerUser, shot } from './support/fixtures';

test('a user enrols TOTP in the browser and then logs in with the MFA step', async ({ page, request }) => {
  const user = await registerUser(request, 'mfa');
  await logIn(page, user);
  await page.goto('/account');
  await page.getByTestId('mfa-setup').click();
  await expect(page.getByTestId('mfa-qr')).toBeVisible();
  const secret = (await page.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  await page.getByTestId('mfa-otp').fill(totp.generate());
  await page.getByTestId('mfa-enable').click();
  await expect(page.getByTestId('mfa-status')).toContainText(/enabled|on/i);
  await shot(page, '20-mfa-enabled');
  await logOut(page);

  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-otp')).toBeVisible();
  await shot(page, '21-mfa-step');
  // The enrolment code is spent; the next period's code is accepted (±1 step of drift).
  await page.getByTestId('login-otp').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
});
