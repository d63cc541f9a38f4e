import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, fundUser, logIn, registerUser, shot } from './support/fixtures';

const MODEL_DIR = join(__dirname, '../../../models/demo-momentum/1');

async function grantRoles(request: APIRequestContext, userId: string, roles: string[]) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await request.patch(`/api/v1/admin/users/${userId}`, { data: { roles }, headers: { authorization: `Bearer ${accessToken}` } });
  expect(res.status(), await res.text()).toBe(200);
}

test('a quant uploads a model, promotes it, runs an ml-signal paper strategy, and sees its signals and orders; a trader sees no Quant pages', async ({ page, request }) => {
  test.setTimeout(240_000);
  const quant = await registerUser(request, 'quant');
  await grantRoles(request, quant.id, ['quant']);
  await fundUser(request, quant.id, '1000000.00', 'NEFT-E2E-QUANT');

  await logIn(page, quant);
  await page.getByTestId('nav-quant').click();
  await expect(page.getByTestId('models-page')).toBeVisible();
  // The seeded demo model is in production.
  await expect(page.locator('[data-testid^="model-row-"][data-name="demo-momentum"][data-stage="production"]')).toHaveCount(1);

  // Upload the shipped model under a new version, with thresholds that make every bar a BUY
  // (the demo model has no edge on a simulated market: this test is about the plumbing).
  const version = `e2e-${Date.now().toString(36)}`;
  const card = { ...JSON.parse(readFileSync(join(MODEL_DIR, 'card.json'), 'utf8')), version, threshold: { buy: 0, sell: 0 } };
  await page.getByTestId('model-upload-file').setInputFiles(join(MODEL_DIR, 'model.onnx'));
  await page.getByTestId('model-upload-card').setInputFiles({ name: 'card.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(card)) });
  await page.getByTestId('model-upload-submit').click();
  const row = page.locator(`[data-testid^="model-row-"][data-version="${version}"]`);
  await expect(row).toHaveAttribute('data-stage', 'staging');
  const modelId = (await row.getAttribute('data-testid'))!.replace('model-row-', '');
  await expect(page.getByTestId('model-detail')).toHaveAttribute('data-model-id', modelId);
  await expect(page.getByTestId('model-fold-charts')).toHaveAttribute('data-folds', '5');
  await expect(page.getByTestId('model-fold-chart-auc').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await shot(page, '60-quant-model-uploaded');

  // A corrupt file is refused with the server's reason.
  await page.getByTestId('model-upload-file').setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
  await page.getByTestId('model-upload-card').setInputFiles({ name: 'card.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...card, version: `${version}-x` })) });
  await page.getByTestId('model-upload-submit').click();
  await expect(page.getByTestId('model-upload-error')).toContainText(/onnxruntime/);

  // Promote to production, confirming that it replaces the demo model.
  await page.getByTestId(`model-promote-${modelId}`).click();
  await expect(page.getByTestId('model-promote-stage-production')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('model-promote-replaces')).toContainText('v1');
  await shot(page, '61-quant-promote-confirm');
  await page.getByTestId('model-promote-confirm').click();
  await expect(row).toHaveAttribute('data-stage', 'production');
  await expect(page.locator('[data-testid^="model-row-"][data-name="demo-momentum"][data-version="1"]')).toHaveAttribute('data-stage', 'archived');

  // An ml-signal paper strategy on three liquid names, following that model.
  await page.getByTestId('subnav-strategies').click();
  const name = `follow ${version}`;
  await page.getByTestId('strategy-name').fill(name);
  await page.getByTestId('strategy-kind-ml-signal').click();
  await page.getByTestId('strategy-symbols').fill('RELIANCE, TCS, INFY');
  await page.getByTestId('strategy-model').selectOption(modelId);
  await page.getByTestId('strategy-quantity').fill('1');
  await page.getByTestId('strategy-mode-paper').click();
  await page.getByTestId('strategy-create-submit').click();
  const strategy = page.locator(`[data-testid^="strategy-row-"][data-name="${name}"]`);
  await expect(strategy).toHaveAttribute('data-status', 'stopped');
  const strategyId = (await strategy.getAttribute('data-testid'))!.replace('strategy-row-', '');
  await page.getByTestId(`strategy-start-${strategyId}`).click();
  await expect(strategy).toHaveAttribute('data-status', 'running');
  await shot(page, '62-quant-strategy-running');

  // Signals of the new model arrive at the next 1-minute close (pushed live).
  await page.getByTestId('subnav-signals').click();
  await page.getByTestId('signals-filter-model').selectOption(modelId);
  await expect(page.locator(`[data-testid^="signal-row-"][data-model-id="${modelId}"][data-signal="BUY"]`).first()).toBeVisible({ timeout: 130_000 });
  await page.getByTestId('signals-filter-symbol').fill('RELIANCE');
  await expect(page.getByTestId('signals-chart')).toBeVisible();
  await expect(page.getByTestId('signals-chart')).not.toHaveAttribute('data-markers', '0', { timeout: 15_000 });
  await shot(page, '63-quant-signals');

  // …and the strategy turned them into orders, each tied to its signal (the next close at the latest).
  await page.getByTestId('subnav-strategies').click();
  await expect(strategy).not.toHaveAttribute('data-orders', '0', { timeout: 75_000 });
  await page.getByTestId(`strategy-open-${strategyId}`).click();
  const orders = page.getByTestId(`strategy-orders-${strategyId}`).locator('[data-testid^="strategy-order-"]');
  await expect(orders.first()).toBeVisible();
  await expect(orders.first()).not.toHaveAttribute('data-signal-id', '');
  await expect(page.getByTestId(`strategy-orders-${strategyId}`).locator('[data-status="FILLED"]').first()).toBeVisible({ timeout: 20_000 });
  await shot(page, '64-quant-strategy-orders');

  // Narrow width stacks the page.
  await page.setViewportSize({ width: 420, height: 900 });
  await shot(page, '65-quant-strategies-narrow');
  await page.setViewportSize({ width: 1280, height: 800 });

  // A trader: no Quant in the navigation, and the pages refuse.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  const trader = await registerUser(request, 'trader-noquant');
  await logIn(page, trader);
  await expect(page.getByTestId('nav-quant')).toHaveCount(0);
  await page.goto('/quant/models');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('models-page')).toHaveCount(0);
});
