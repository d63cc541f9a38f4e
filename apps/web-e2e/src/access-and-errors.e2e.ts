import { expect, test } from '@playwright/test';
import { ADMIN, logIn, registerUser, shot } from './support/fixtures';

test('a trader cannot open admin pages', async ({ page, request }) => {
  const trader = await registerUser(request, 'trader');
  await logIn(page, trader);
  await page.goto('/admin/users');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await shot(page, '10-trader-forbidden');
});

test('demoting the last admin is refused with a clear error toast', async ({ page }) => {
  await logIn(page, ADMIN);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('user-search').fill(ADMIN.email);
  const row = page.getByTestId('user-row').filter({ hasText: ADMIN.email });
  await row.getByTestId('edit-user').click();
  await page.getByTestId('role-admin').uncheck();
  await page.getByTestId('role-trader').check();
  await page.getByTestId('save-user').click();
  await expect(page.getByTestId('edit-user-dialog').getByRole('alert')).toContainText(/without an active admin/);
  await expect(page.getByText(/without an active admin/).first()).toBeVisible();
  await page.waitForTimeout(400); // let the toast finish animating in for the screenshot
  await shot(page, '11-last-admin-toast');
});

test('wrong credentials show an error and leave the user signed out', async ({ page }) => {
  await page.goto('/login');
  await page.getByTestId('login-email').fill('nobody@e2e.test');
  await page.getByTestId('login-password').fill('wrong-password-1');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText(/invalid email or password/i);
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
});
