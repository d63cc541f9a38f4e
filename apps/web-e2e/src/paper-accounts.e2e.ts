import { expect, test, type Page } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';

/*
 * Several paper accounts (docs/api.md "Broker accounts"): on Account → Brokers a trader adds a
 * second paper account with only a name; it shows its own virtual balance, can be deleted, while
 * the primary one (always there) offers no Delete.
 */
const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

test('a trader adds a second paper account by name (no credentials), sees its own balance, and deletes it; the primary one cannot be deleted', async ({
  page,
  request,
}) => {
  const trader = await registerUser(request, 'paperaccounts');
  await logIn(page, trader);
  await page.goto('/account/brokers');
  await expect(page.getByRole('heading', { level: 1, name: 'Brokers' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Broker accounts' });
  await expect(list.locator('article[data-kind="paper"]')).toHaveCount(1);
  const primary = card(page, 'Paper');
  await expect(primary.getByTestId('broker-account-delete')).toHaveCount(0);

  await page.getByTestId('broker-add-open').click();
  const form = page.getByRole('form', { name: 'Add a broker account' });
  await form.getByLabel('Broker').selectOption('paper');
  // No credentials for paper: a hint instead of the box.
  await expect(form.getByTestId('broker-add-paper-hint')).toBeVisible();
  await expect(form.getByLabel('API key')).toHaveCount(0);
  await form.getByLabel('Account name').fill('Practice desk');
  await shot(page, 'paper-accounts-add');
  await form.getByRole('button', { name: 'Add account' }).click();
  await expect(form).toHaveCount(0);

  const added = card(page, 'Practice desk');
  await expect(added).toBeVisible();
  await expect(added).toHaveAttribute('data-kind', 'paper');
  await expect(added).toHaveAttribute('data-default', 'false');
  // Its own book, opened with the starting balance (the stack's PAPER_STARTING_BALANCE), shown in ₹.
  const startingBalance = (await primary.getByTestId('broker-account-paper-balance').textContent())!;
  expect(startingBalance).toMatch(/^₹[1-9][\d,]*\.\d\d$/);
  await expect(added.getByTestId('broker-account-paper-balance')).toHaveText(startingBalance);
  await expect(list.locator('article[data-kind="paper"]')).toHaveCount(2);
  await shot(page, 'paper-accounts-two');

  await added.getByTestId('broker-account-delete').click();
  const dialog = page.getByTestId('broker-delete-dialog');
  await expect(dialog).toContainText('paper book stays');
  await page.getByTestId('broker-delete-confirm').click();
  await expect(added).toHaveCount(0);
  await expect(list.locator('article[data-kind="paper"]')).toHaveCount(1);
  await expect(primary).toBeVisible();

  // Paper money needs no wallet: the primary account's virtual balance is reset from its card, and
  // the ticket's "Paper available" reads the same book.
  await primary.getByTestId('broker-account-edit').click();
  await page.getByLabel('Set virtual balance (₹)').fill('250000.50');
  await page.getByTestId('broker-edit-save').click();
  await expect(primary.getByTestId('broker-account-paper-balance')).toHaveText('₹2,50,000.50');
  await page.goto('/trade?symbol=RELIANCE');
  await expect(page.getByTestId('trade-paper-available')).toHaveText('₹2,50,000.50');
  await expect(page.getByTestId('ticket-open-buy')).toBeEnabled();
  await shot(page, 'paper-accounts-reset-balance-trade');
});
