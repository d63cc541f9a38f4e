import { expect, test } from '@playwright/test';
import { ADMIN, logIn, logOut, registerUser, shot } from './support/fixtures';

test('admin finds a newly registered user, grants compliance, and their next login shows Compliance', async ({ page, request }) => {
  const user = await registerUser(request, 'analyst');

  // Before: a plain trader sees Trade and Portfolio only.
  await logIn(page, user);
  await expect(page.getByTestId('nav-trade')).toBeVisible();
  await expect(page.getByTestId('nav-compliance')).toHaveCount(0);
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  await logOut(page);

  await logIn(page, ADMIN);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online');
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('user-search').fill(user.email);
  const row = page.getByTestId('user-row').filter({ has: page.getByTestId('user-email').getByText(user.email, { exact: true }) });
  await expect(row).toHaveCount(1);
  await shot(page, '01-admin-users-search');
  await row.getByTestId('edit-user').click();
  await page.getByTestId('role-compliance').check();
  await shot(page, '02-edit-dialog');
  await page.getByTestId('save-user').click();
  await expect(row).toContainText('compliance');
  await logOut(page);

  await logIn(page, user);
  await expect(page.getByTestId('nav-compliance')).toBeVisible();
  await page.getByTestId('nav-compliance').click();
  await expect(page.getByTestId('ledger-table')).toBeVisible();
  await page.getByTestId('subnav-audit').click();
  await expect(page.getByTestId('audit-table')).toBeVisible();
  await shot(page, '03-compliance-audit');
});
