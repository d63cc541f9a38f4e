import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, logIn, registerUser, shot } from './support/fixtures';

const COMPLIANCE = { email: 'compliance@tradeloop.local', password: 'demo-password-1' };

test('admin deposits ₹1,00,000; the trader sees it live; compliance verifies and exports', async ({ browser, request }) => {
  const trader = await registerUser(request, 'funded');

  const traderPage = await (await browser.newContext()).newPage();
  await logIn(traderPage, trader);
  await traderPage.goto('/portfolio/wallet');
  await expect(traderPage.getByTestId('wallet-available')).toHaveText('₹0.00');
  // An empty wallet says how money gets here, and that paper trading does not need it.
  await expect(traderPage.getByTestId('wallet-funding-explainer')).toContainText('How money gets here');
  await shot(traderPage, '29-trader-wallet-empty-explainer');

  const adminPage = await (await browser.newContext()).newPage();
  await logIn(adminPage, ADMIN);
  await adminPage.goto('/admin/funding');
  await adminPage.getByTestId('funding-user-search').fill(trader.email);
  await adminPage.getByTestId('funding-user-option').filter({ hasText: trader.email }).click();
  await adminPage.getByTestId('funding-direction-deposit').click();
  await adminPage.getByTestId('funding-amount').fill('100000');
  await adminPage.getByTestId('funding-reference').fill('NEFT-E2E-1');
  await adminPage.getByTestId('funding-review').click();
  await expect(adminPage.getByText('₹1,00,000.00').first()).toBeVisible();
  await shot(adminPage, '30-funding-review');
  // A double-click must move the money once: the key is fixed when the review opens.
  await adminPage.getByTestId('funding-confirm').dblclick();
  await expect(adminPage.getByTestId('funding-result')).toBeVisible();
  await shot(adminPage, '31-funding-result');

  // No reload: the open Wallet page updates from the realtime event.
  await expect(traderPage.getByTestId('wallet-available')).toHaveText('₹1,00,000.00');
  await expect(traderPage.getByTestId('wallet-entry-row').first()).toContainText('NEFT-E2E-1');
  await expect(traderPage.getByTestId('wallet-entry-row')).toHaveCount(1);
  await expect(traderPage.getByTestId('wallet-funding-explainer')).toHaveCount(0);
  await shot(traderPage, '32-trader-wallet-live');

  const compliancePage = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await logIn(compliancePage, COMPLIANCE);
  await compliancePage.goto('/compliance/ledger');
  await compliancePage.getByTestId('ledger-verify').click();
  const result = compliancePage.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText('0.00');
  await compliancePage.getByTestId('ledger-row').first().click();
  await expect(compliancePage.getByTestId('tx-drilldown')).toBeVisible();
  await shot(compliancePage, '33-ledger-verify-drilldown');
  await compliancePage.keyboard.press('Escape');

  const [download] = await Promise.all([compliancePage.waitForEvent('download'), compliancePage.getByTestId('ledger-export').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.split('\n')[0]).toBe('entry_id,transaction_id,created_at,account,type,amount,balance_after,reference');
  expect(csv).toContain('NEFT-E2E-1');

  const wallet = await request.get(`/api/v1/wallet`, {
    headers: {
      authorization: `Bearer ${(await (await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } })).json()).accessToken}`,
    },
  });
  expect((await wallet.json()).available).toBe('100000.00');
});
