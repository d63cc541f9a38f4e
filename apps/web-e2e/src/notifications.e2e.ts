import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';
import { mailTo } from './support/smtp';

/**
 * Notifications (docs/alerts.md "Notifications"): a trader adds an email channel for fills in
 * Account → Notifications, a paper order fills, the bell counts it live over Socket.IO, the panel
 * shows it, the channel shows it sent, and the email is read back from the stack's real SMTP
 * server.
 */
test('a trader adds an email channel, a paper fill shows in the notification centre live and arrives by email', async ({
  page,
  request,
}) => {
  const trader = await registerUser(request, 'notify');
  const address = `notify-${randomUUID().slice(0, 8)}@e2e.test`;
  await logIn(page, trader);

  await page.goto('/account/notifications');
  await expect(page.getByTestId('notifications-page')).toBeVisible();
  await expect(page.getByTestId('notification-bell')).toBeVisible();
  await expect(page.getByTestId('notification-unread')).toHaveCount(0);
  await page.getByTestId('channel-add-open').click();
  const form = page.getByTestId('channel-add-form');
  await expect(form.getByTestId('channel-add-kind')).toHaveValue('email');
  await form.getByTestId('channel-add-target').fill(address);
  // Fills and rejections only.
  for (const e of ['risk_trip', 'kill_switch']) await form.getByTestId(`channel-event-${e}`).uncheck();
  await expect(form.getByTestId('channel-event-fill')).toBeChecked();
  await shot(page, 'notifications-add-channel');
  await form.getByTestId('channel-add-submit').click();
  await expect(form).toHaveCount(0);
  const card = page.getByTestId('channel-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(address);
  await expect(card).toContainText('Fills');
  await expect(card).not.toContainText('Kill switches');

  // A paper MARKET order through the public API, as the ticket would send it; the simulated market fills it.
  const login = await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const placed = await request.post('/api/v1/orders', {
    data: { symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', product: 'CNC', quantity: 1 },
    headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': randomUUID() },
  });
  expect(placed.status(), await placed.text()).toBe(202);

  // The bell counts it without a reload (realtime `notification`).
  await expect(page.getByTestId('notification-unread')).toHaveText('1', { timeout: 20_000 });
  await page.getByTestId('notification-bell').click();
  const panel = page.getByTestId('notification-panel');
  const item = panel.getByTestId('notification-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-kind', 'fill');
  await expect(item).toContainText(/Filled: BUY 1 RELIANCE @ ₹[\d,.]+/);
  await shot(page, 'notifications-panel');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'notifications-panel-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The email, read back from the SMTP server.
  await expect.poll(async () => (await mailTo(request, address)).length, { timeout: 20_000 }).toBe(1);
  const [mail] = await mailTo(request, address);
  expect(mail!.subject).toMatch(/^Filled: BUY 1 RELIANCE @ ₹[\d,.]+$/);
  expect(mail!.text).toContain('Your BUY order for RELIANCE was filled: 1 at ₹');

  // The channel shows it sent; marking all read clears the count.
  await page.getByTestId('notification-mark-all').click();
  await expect(page.getByTestId('notification-unread')).toHaveCount(0);
  await expect(item).toHaveAttribute('data-read', 'true');
  await page.keyboard.press('Escape');
  await expect(card.getByTestId('channel-stats')).toHaveAttribute('data-sent', '1', { timeout: 15_000 });
  await card.getByTestId('channel-deliveries-toggle').click();
  await expect(card.getByTestId('channel-delivery')).toHaveAttribute('data-status', 'sent');
  await shot(page, 'notifications-settings');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'notifications-settings-1024');
});
