import { expect, test } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';

// A browser in New York (UTC−05:00 in December), so "the browser's zone" and IST differ.
test.use({ timezoneId: 'America/New_York' });

test('one clock: every time is IST and labelled, whatever the browser’s zone, until the user picks the browser’s own', async ({
  page,
  request,
}) => {
  const trader = await registerUser(request, 'zone');
  await logIn(page, trader);

  // IST by default: on the account page and in the blotter's time column.
  await page.goto('/account');
  await expect(page.getByTestId('member-since')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d IST$/);
  await expect(page.getByTestId('display-zone')).toHaveValue('IST');
  await page.goto('/trade?tab=orders');
  await expect(page.locator('th', { hasText: 'Time (IST)' })).toBeVisible();
  await shot(page, '90-times-in-ist');

  // The browser's zone instead: the same instants, now labelled with its offset.
  await page.goto('/account');
  const ist = (await page.getByTestId('member-since').textContent())!;
  await page.getByTestId('display-zone').selectOption('local');
  await expect(page.getByTestId('member-since')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC-05:00$/);
  // 10 h 30 min behind IST: the same instant.
  const asDate = (s: string, zone: string) => Date.parse(`${s.slice(0, 19).replace(' ', 'T')}${zone}`);
  expect(asDate((await page.getByTestId('member-since').textContent())!, '-05:00')).toBe(asDate(ist, '+05:30'));
  await page.goto('/trade?tab=orders');
  await expect(page.locator('th', { hasText: 'Time (UTC-05:00)' })).toBeVisible();
  await shot(page, '91-times-in-browser-zone');
});
