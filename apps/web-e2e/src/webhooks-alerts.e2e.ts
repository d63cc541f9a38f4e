import { createHmac, randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';
import { mailTo } from './support/smtp';

/**
 * Alert-driven trading end to end (issue 18 "Done when"; docs/alerts.md): a trader sets engine B to
 * enter on any support (entry threshold 0, veto above 100: never) in Trade → Engines, creates a
 * webhook source in Trade → Webhooks (split 0 → every alert to engine B, the paper account), the
 * secret is shown once, an alert is sent signed by Node code the way curl + openssl would
 * (HMAC-SHA256 over timestamp + "." + body), the delivery log walks it through its steps to a paper
 * fill with engine B's agents, shows engine A's six rules as the shadow decision, and the fill's
 * email arrives at the stack's real SMTP server; the comparison counts it. The page's own signed
 * test delivery is sent too, while the secret is on screen.
 *
 * Engine B, not A, trades here: engine A's SESSION_WINDOW rule fails on weekends and outside its
 * IST window whatever it is configured to, so a test routed to A would depend on the clock.
 */
test('a trader creates a webhook source, a signed alert walks to a paper fill with a shadow decision, and the fill is emailed', async ({
  page,
  request,
}) => {
  const trader = await registerUser(request, 'hooks');
  const address = `hooks-${randomUUID().slice(0, 8)}@e2e.test`;
  const login = await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } });
  const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  // An email channel for fills, through the API as Account → Notifications would add it.
  const channel = await request.post('/api/v1/notifications/channels', {
    data: { kind: 'email', target: address, events: ['fill'] },
    headers: auth,
  });
  expect(channel.status(), await channel.text()).toBe(201);

  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, trader);

  // Engine B enters on any support and never vetoes; the weights must sum to 100 (live, then the server's field error).
  await page.goto('/trade/engines');
  await expect(page.getByTestId('engines-page')).toBeVisible();
  const total = page.getByTestId('engines-weights-total');
  await expect(total).toHaveAttribute('data-total', '100');
  await page.getByTestId('engine-field-b.weights.ml').fill('15');
  await expect(total).toHaveAttribute('data-total', '110');
  await expect(total).toContainText('must be 100');
  await page.getByTestId('engines-save').click();
  await expect(page.getByTestId('engines-form')).toContainText('must sum to 100 (they sum to 110)');
  await page.getByTestId('engine-field-b.weights.ml').fill('5');
  await page.getByTestId('engine-field-b.entryThreshold').fill('0');
  await page.getByTestId('engine-field-b.vetoThreshold').fill('100');
  await page.getByTestId('engines-save').click();
  await expect(page.getByText('Engine configuration saved')).toBeVisible();
  await expect(page.getByTestId('engine-field-b.entryThreshold')).toHaveValue('0');
  await shot(page, 'engines-config');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'engines-config-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.goto('/trade');
  await page.getByTestId('trade-webhooks-link').click();
  await expect(page).toHaveURL(/\/trade\/webhooks$/);
  await expect(page.getByTestId('webhooks-page')).toBeVisible();
  await page.getByTestId('source-new').click();
  const form = page.getByTestId('source-form');
  await form.getByTestId('source-name').fill('E2E breakout');
  await expect(form.getByTestId('source-split-label')).toHaveText('A 50 % / B 50 %');
  await form.getByTestId('source-split').fill('0');
  await expect(form.getByTestId('source-split-label')).toHaveText('A 0 % / B 100 %');
  await expect(form.getByTestId('source-submit')).toBeDisabled();
  await form.getByTestId('source-account-paper').first().check();
  // An unknown symbol is refused under the symbols field, naming it; nothing is created.
  await form.getByTestId('source-symbols').fill('reliance, NOSUCHSYMBOL');
  await form.getByTestId('source-submit').click();
  await expect(form).toContainText('item 2: no active instrument NOSUCHSYMBOL');
  await expect(page.getByTestId('source-row')).toHaveCount(0);
  await form.getByTestId('source-symbols').fill('reliance');
  await shot(page, 'webhooks-create');
  await form.getByTestId('source-submit').click();
  await expect(form).toHaveCount(0);

  // The secret, shown this once, and the URL.
  const secretPanel = page.getByTestId('source-secret');
  await expect(secretPanel).toBeVisible();
  const secret = (await secretPanel.getByTestId('source-secret-value').textContent())!.trim();
  expect(secret.length).toBeGreaterThanOrEqual(32);
  const detail = page.getByTestId('source-detail');
  await expect(detail).toContainText('A 0 % / B 100 %');
  const url = (await detail.getByTestId('source-url').textContent())!.trim();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hooks\/[0-9a-f-]{36}$/);
  await expect(detail.getByTestId('source-tv-template')).toContainText('"action": "{{strategy.order.action}}"');
  await expect(detail.getByTestId('source-curl')).toContainText('X-Tradeloop-Signature: sha256=$SIG');
  await shot(page, 'webhooks-secret-once');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'webhooks-secret-once-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // A signed alert, as curl would send it.
  const body = JSON.stringify({ symbol: 'RELIANCE', action: 'buy', quantity: 1, strategy: 'e2e', alert_id: randomUUID() });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const sent = await request.post(url, {
    headers: { 'content-type': 'application/json', 'x-tradeloop-timestamp': ts, 'x-tradeloop-signature': `sha256=${sig}` },
    data: body,
  });
  expect(sent.status(), await sent.text()).toBe(202);
  const { deliveryId } = (await sent.json()) as { deliveryId: string };

  // The log shows it walking through its steps to the paper fill (polled while it moves).
  const delivery = detail.locator(`[data-testid="delivery"][data-id="${deliveryId}"]`);
  await expect(delivery).toBeVisible({ timeout: 15_000 });
  await expect(delivery).toHaveAttribute('data-status', 'filled', { timeout: 30_000 });
  await expect(delivery).toHaveAttribute('data-engine', 'B');
  const steps = delivery.getByTestId('delivery-step');
  await expect(
    steps.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`)),
  ).resolves.toEqual([
    'received:done',
    'authenticated:done',
    'deduplicated:done',
    'routed:done',
    'decided:done',
    'ordered:done',
    'filled:done',
  ]);
  // Engine B traded: its seven agents with their weights, the weighted total, no veto; engine A's rules are the shadow.
  const decision = delivery.getByTestId('delivery-decision');
  await expect(decision).toHaveAttribute('data-engine', 'B');
  await expect(decision).toHaveAttribute('data-verdict', 'ENTER');
  await expect(decision.getByTestId('decision-agent')).toHaveCount(7);
  await expect(decision.locator('[data-testid="decision-agent"][data-veto="true"]')).toHaveCount(0);
  await expect(decision).toContainText('Weighted total');
  await expect(decision).toContainText('entry threshold 0');
  const shadow = delivery.getByTestId('delivery-shadow');
  await expect(shadow).toHaveAttribute('data-engine', 'A');
  await expect(shadow).toHaveAttribute('data-verdict', /^(ENTER|SKIP)$/);
  await expect(shadow.getByTestId('decision-rule')).toHaveCount(6);
  await expect(shadow.locator('[data-testid="decision-rule"][data-pass="true"]').filter({ hasText: 'ALLOWED_SYMBOL' })).toHaveCount(1);
  await expect(delivery.getByTestId('delivery-order')).toHaveCount(1);
  await shot(page, 'webhooks-delivery-filled');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'webhooks-delivery-filled-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The fill's email, read back from the SMTP server.
  await expect.poll(async () => (await mailTo(request, address)).length, { timeout: 20_000 }).toBe(1);
  const [mail] = await mailTo(request, address);
  expect(mail!.subject).toMatch(/^Filled: BUY 1 RELIANCE @ ₹[\d,.]+$/);

  // The page's own signed test delivery, while the secret is still on screen: accepted, and logged.
  await secretPanel
    .getByTestId('source-test-body')
    .fill(JSON.stringify({ symbol: 'RELIANCE', action: 'sell', quantity: 1, strategy: 'page-test' }));
  await secretPanel.getByTestId('source-test-send').click();
  await expect(secretPanel.getByTestId('source-test-result')).toHaveAttribute('data-status', '202');
  await expect(detail.getByTestId('delivery')).toHaveCount(2, { timeout: 10_000 });

  // Once dismissed, the secret is gone from the page (leaving the page forgets it too).
  await secretPanel.getByTestId('source-secret-done').click();
  await expect(page.getByTestId('source-secret')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  // The comparison counts engine B's real decision and engine A's shadow one.
  await page.getByTestId('subnav-engines').click();
  await expect(page.getByTestId('engine-compare')).toBeVisible();
  await expect(page.getByTestId('compare-row-decisions').locator('[data-engine="B"][data-kind="real"]')).toContainText(/^[12] \(/);
  await expect(page.getByTestId('compare-row-decisions').locator('[data-engine="A"][data-kind="shadow"]')).toContainText(/^[12] \(/);
  await expect(page.getByTestId('compare-row-decisions').locator('[data-engine="A"][data-kind="real"]')).toContainText(/^0 \(/);
  await expect(page.getByTestId('compare-chart-pnl')).toBeVisible();
  await shot(page, 'engines-compare');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'engines-compare-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('subnav-webhooks').click();
  // The newest delivery (the page's test) opens by itself; the earlier one opens on a click, and its order link opens the orders tab.
  await expect(delivery.getByTestId('delivery-toggle')).toHaveAttribute('aria-expanded', 'false');
  await delivery.getByTestId('delivery-toggle').click();
  await delivery.getByTestId('delivery-order').click();
  await expect(page).toHaveURL(/\/trade\?tab=orders/);
});
