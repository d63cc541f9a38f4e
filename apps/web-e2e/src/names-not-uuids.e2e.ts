import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, fundUser, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';

async function adminToken(request: APIRequestContext) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

async function engageUserSwitch(request: APIRequestContext, userId: string, reason: string) {
  const res = await request.post('/api/v1/admin/risk/kill-switch', {
    data: { scope: 'user', userId, engaged: true, reason },
    headers: { authorization: `Bearer ${await adminToken(request)}` },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** Picks a person in a UserFilter by typing part of their email. */
async function pickUser(page: Page, testId: string, email: string, id: string) {
  await page.getByTestId(testId).fill(email);
  await page.getByTestId(`${testId}-option`).filter({ hasText: email }).click();
  await expect(page.getByTestId(`${testId}-selected`)).toHaveAttribute('data-user-id', id);
}

const UUID_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|…[0-9a-f]{8}/;

test('compliance and admins see people by name and email, filter by email, and the risk events follow the picked trader', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const alpha = await registerUser(request, 'names-alpha');
  const beta = await registerUser(request, 'names-beta');
  const reviewer = await registerUser(request, 'names-compliance');
  await grantRoles(request, reviewer.id, ['compliance']);
  await fundUser(request, alpha.id, '12345.00', 'NEFT-NAMES-ALPHA');
  await fundUser(request, beta.id, '500.00', 'NEFT-NAMES-BETA');
  await engageUserSwitch(request, alpha.id, 'e2e names: alpha halted');
  await engageUserSwitch(request, beta.id, 'e2e names: beta halted');

  // Ledger: the holder is found by email and shown by name; no raw ids in the owner cells.
  await logIn(page, reviewer);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/compliance/ledger');
  await expect(page.getByTestId('ledger-table')).toBeVisible();
  await pickUser(page, 'ledger-user-filter', alpha.email, alpha.id);
  await expect(page.getByTestId('ledger-user-filter-selected')).toContainText('E2E names-alpha');
  const owners = page.getByTestId('ledger-table').getByTestId('account-owner');
  await expect(owners.first()).toContainText('E2E names-alpha');
  await expect(owners.first()).toContainText(alpha.email);
  for (const owner of await owners.all()) {
    await expect(owner).toHaveAttribute('data-user-id', alpha.id);
    await expect(owner).not.toHaveText(UUID_TEXT);
  }
  await expect(page.getByTestId('ledger-row').filter({ hasText: 'NEFT-NAMES-ALPHA' })).toHaveCount(1);
  await expect(page.getByTestId('ledger-row').filter({ hasText: 'NEFT-NAMES-BETA' })).toHaveCount(0);
  await expect(page.getByTestId('ledger-export')).toBeInViewport();
  // Entry numbers skip (other books, other legs): the column says so, and which sequence is gapless.
  await expect(page.getByTestId('ledger-seq-header')).toHaveAttribute('title', /not consecutive.*gapless sequence that Verify checks/);
  await shot(page, '110-ledger-by-name-1440');
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('ledger-export')).toBeInViewport();
  await shot(page, '111-ledger-by-name-1024');
  await page.getByTestId('ledger-user-filter-clear').click();
  await expect(page.getByTestId('ledger-user-filter')).toBeVisible();
  // Everyone's entries (long references, paper books, names) still fit 1024 px: no sideways scroll.
  await expect(page.getByTestId('ledger-row').first()).toBeVisible();
  const wrap = page.getByTestId('ledger-table').locator('xpath=ancestor-or-self::*[contains(@class, "table-wrap")][1]');
  expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth), 'ledger overflow at 1024 px').toBeLessThanOrEqual(0);
  await shot(page, '111b-ledger-everyone-1024');

  // Audit log: the admin's deposits by name; filtered by the admin's email, a date range, exported.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/compliance/audit');
  await expect(page.getByTestId('audit-table')).toBeVisible();
  const admin = (await (
    await request.get('/api/v1/auth/me', { headers: { authorization: `Bearer ${await adminToken(request)}` } })
  ).json()) as {
    id: string;
  };
  await pickUser(page, 'audit-actor-filter', ADMIN.email, admin.id);
  const actors = page.getByTestId('audit-row').getByTestId('audit-actor');
  await expect(actors.first()).toContainText(ADMIN.email);
  for (const actor of (await actors.all()).slice(0, 20))
    await expect(actor.locator('[data-user-id]')).toHaveAttribute('data-user-id', admin.id);
  // The deposit names its account holder, not a uuid.
  await expect(page.getByTestId('audit-row').getByTestId('audit-subject').filter({ hasText: alpha.email }).first()).toBeVisible();
  await expect(page.getByTestId('audit-export')).toBeInViewport();
  await shot(page, '112-audit-by-name-1440');
  const download = page.waitForEvent('download');
  await page.getByTestId('audit-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = await readFile((await file.path())!, 'utf8');
  expect(csv.split('\n')[0]).toBe('event_id,at,actor_id,actor_email,action,subject,details,request_id,ip');
  expect(csv).toContain(`user:${alpha.id}`);
  expect(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .every((line) => line.includes(ADMIN.email)),
  ).toBe(true);
  // A range that ends before anything happened shows nothing; clearing it brings the events back.
  await page.getByTestId('audit-to').fill('2020-01-01T00:00');
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
  await expect(page.getByText('No audit events match these filters.')).toBeVisible();
  await page.getByTestId('audit-clear-filters').click();
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('audit-export')).toBeInViewport();
  await shot(page, '113-audit-1024');
  await logOut(page);

  // Admin → Risk: everyone's events by name until a trader is picked, then theirs.
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, ADMIN);
  await page.goto('/admin/risk');
  const table = page.getByTestId('risk-events');
  await expect(table.locator(`tr[data-user-id="${alpha.id}"]`).first()).toContainText('E2E names-alpha');
  await expect(table.locator(`tr[data-user-id="${beta.id}"]`).first()).toContainText(beta.email);
  await page.getByTestId('funding-user-search').fill(alpha.email);
  await page.getByTestId('funding-user-option').filter({ hasText: alpha.email }).click();
  await expect(page.getByTestId('risk-events-scope')).toHaveAttribute('data-user-id', alpha.id);
  await expect(table.locator(`tr[data-user-id="${alpha.id}"][data-kind="SWITCH_ENGAGED"]`)).toHaveCount(1);
  await expect(table.locator(`tr[data-user-id="${beta.id}"]`)).toHaveCount(0);
  await shot(page, '114-risk-events-follow-user');
  await page.getByTestId('risk-events-all').click();
  await expect(table.locator(`tr[data-user-id="${beta.id}"]`).first()).toBeVisible();
});
