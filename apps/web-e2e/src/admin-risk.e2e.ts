import { expect, test, type Page } from '@playwright/test';
import { ADMIN, fundUser, logIn, logOut, registerUser, shot } from './support/fixtures';

async function openRiskAdmin(page: Page) {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('subnav-risk').click();
  await expect(page.getByTestId('risk-admin-page')).toBeVisible();
}

async function confirmSwitch(page: Page, reason: string, screenshot?: string) {
  const dialog = page.getByTestId('admin-kill-switch-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('admin-kill-switch-confirm')).toBeDisabled();
  await page.getByTestId('admin-kill-switch-reason').fill(reason);
  if (screenshot) await shot(page, screenshot);
  await page.getByTestId('admin-kill-switch-confirm').click();
  await expect(dialog).not.toBeVisible();
}

test('an admin edits a trader’s limits, halts all trading, the trader is refused, the admin releases it', async ({ page, request }) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'risk');
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-RISK');

  // The admin picks the trader: their switch and their current limits, read from the server.
  await logIn(page, ADMIN);
  // An admin (who does not trade) lands on Admin, not on a Trade page whose panels need the trader role.
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByText('Requires one of the roles')).toHaveCount(0);
  await openRiskAdmin(page);
  await expect(page.getByTestId('global-kill-switch-state')).toHaveAttribute('data-engaged', 'false');
  await page.getByTestId('funding-user-search').fill(trader.email);
  await page.getByTestId('funding-user-option').filter({ hasText: trader.email }).click();
  await expect(page.getByTestId('risk-admin-user')).toHaveAttribute('data-user-id', trader.id);
  await expect(page.getByTestId('user-kill-switch-state')).toHaveAttribute('data-engaged', 'false');
  await expect(page.getByTestId('risk-limit-maxDailyLoss')).toHaveValue('50000.00');
  await expect(page.getByTestId('risk-limit-squareOffOnTrip')).not.toBeChecked();
  await expect(page.getByTestId('risk-limit-maxDrawdown')).toHaveValue('');
  await expect(page.getByTestId('risk-limits-save')).toBeDisabled();
  await shot(page, '60-risk-admin-user-picked');

  // Zero is allowed but never silent: the form says what it does.
  await page.getByTestId('risk-limit-maxOrderValue').fill('0');
  await expect(page.getByTestId('risk-limit-warning-maxOrderValue')).toHaveText(
    'Zero refuses every order they place; to stop them trading, engage their kill switch instead.',
  );
  await page.getByTestId('risk-limit-maxDailyLoss').fill('0.00');
  await expect(page.getByTestId('risk-limit-warning-maxDailyLoss')).toContainText('trips their switch at the first rupee lost');
  await page.getByTestId('risk-limit-maxDailyLoss').fill('50000.00');
  await expect(page.getByTestId('risk-limit-warning-maxDailyLoss')).toHaveCount(0);

  // A bad value is refused field by field; a good one saved and read back after a reload.
  await page.getByTestId('risk-limit-maxOrderValue').fill('2,50,000');
  await page.getByTestId('risk-limits-save').click();
  await expect(page.getByTestId('risk-limit-error-maxOrderValue')).toBeVisible();
  await page.getByTestId('risk-limit-maxOrderValue').fill('250000.00');
  await page.getByTestId('risk-limit-maxDailyLoss').fill('15000.50');
  await page.getByTestId('risk-limit-maxOpenOrders').fill('12');
  await page.getByTestId('risk-limit-maxDrawdown').fill('0');
  await page.getByTestId('risk-limits-save').click();
  await expect(page.getByTestId('risk-limit-error-maxDrawdown')).toBeVisible();
  await page.getByTestId('risk-limit-maxDrawdown').fill('7500');
  await page.getByTestId('risk-limit-squareOffOnTrip').check();
  await page.getByTestId('risk-limits-save').click();
  await expect(page.getByTestId('risk-limits-saved')).toBeVisible();
  await shot(page, '61-risk-admin-limits-saved');
  await page.reload();
  await page.getByTestId('funding-user-search').fill(trader.email);
  await page.getByTestId('funding-user-option').filter({ hasText: trader.email }).click();
  await expect(page.getByTestId('risk-limit-maxOrderValue')).toHaveValue('250000.00');
  await expect(page.getByTestId('risk-limit-maxDailyLoss')).toHaveValue('15000.50');
  await expect(page.getByTestId('risk-limit-maxOpenOrders')).toHaveValue('12');
  await expect(page.getByTestId('risk-limit-maxDrawdown')).toHaveValue('7500.00');
  await expect(page.getByTestId('risk-limit-squareOffOnTrip')).toBeChecked();

  // The global switch, behind a confirmation with a reason.
  await page.getByTestId('global-kill-switch-engage').click();
  await confirmSwitch(page, 'e2e: exchange connectivity incident', '62-risk-admin-global-confirm');
  await expect(page.getByTestId('global-kill-switch-state')).toHaveAttribute('data-engaged', 'true');
  await expect(page.getByTestId('global-kill-switch-state')).toContainText('e2e: exchange connectivity incident');
  await expect(page.getByTestId('risk-events').locator('[data-kind="SWITCH_ENGAGED"][data-rule="GLOBAL_KILL_SWITCH"]')).toHaveCount(1);
  await shot(page, '63-risk-admin-global-engaged');
  await logOut(page);

  // The trader sees trading halted for everyone, and why: the banner, the top bar, the ticket
  // (which cannot submit; square-off stays).
  await logIn(page, trader);
  await page.goto('/trade?symbol=RELIANCE');
  // The ticket trades the default paper account: its book heads the ticket.
  await expect(page.getByTestId('trade-paper-available')).toHaveText(/^₹[\d,]+\.\d\d$/);
  const banner = page.getByTestId('kill-switch-banner');
  await expect(banner).toHaveAttribute('data-scope', 'global');
  await expect(banner).toContainText('Trading is halted for everyone: e2e: exchange connectivity incident');
  await expect(page.getByTestId('topbar-halted')).toHaveAttribute('data-scope', 'global');
  await expect(page.getByTestId('ticket-open-buy')).toBeDisabled();
  await expect(page.getByTestId('ticket-halted')).toContainText('Trading is halted for everyone');
  await page.getByTestId('trading-tab-risk').click();
  await expect(page.getByTestId('kill-switch-global')).toHaveAttribute('data-engaged', 'true');
  await shot(page, '64-trader-halted-global-switch');
  await logOut(page);

  // The admin releases it.
  await logIn(page, ADMIN);
  await openRiskAdmin(page);
  await expect(page.getByTestId('global-kill-switch-state')).toHaveAttribute('data-engaged', 'true');
  await page.getByTestId('global-kill-switch-release').click();
  await confirmSwitch(page, 'e2e: incident resolved');
  await expect(page.getByTestId('global-kill-switch-state')).toHaveAttribute('data-engaged', 'false');
  await expect(page.getByTestId('risk-events').locator('[data-kind="SWITCH_RELEASED"][data-rule="GLOBAL_KILL_SWITCH"]')).toHaveCount(1);
  await shot(page, '65-risk-admin-global-released');

  // Narrow width: the grid stacks.
  await page.setViewportSize({ width: 420, height: 900 });
  await page.getByTestId('funding-user-search').fill(trader.email);
  await page.getByTestId('funding-user-option').filter({ hasText: trader.email }).click();
  await expect(page.getByTestId('risk-limits-form')).toBeVisible();
  await shot(page, '66-risk-admin-narrow');
});
