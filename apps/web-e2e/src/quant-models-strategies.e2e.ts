import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, fundUser, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';

const DEMO = join(__dirname, '../../../models/demo-momentum/1');
const SYMBOLS = ['INFY', 'TCS', 'RELIANCE'];

async function upload(page: Page, card: string) {
  await page.getByTestId('model-upload-onnx').setInputFiles(join(DEMO, 'model.onnx'));
  await page.getByTestId('model-upload-card').setInputFiles(card);
  await page.getByTestId('model-upload-submit').click();
}

test('a quant uploads a model, promotes it to production, runs an ml-signal paper strategy on it and sees its signals and orders', async ({
  page,
  request,
}, testInfo) => {
  // Signals are computed at each 1-minute bar close: allow a couple of bars after the strategy starts.
  test.setTimeout(240_000);
  const quant = await registerUser(request, 'quant');
  await grantRoles(request, quant.id, ['trader', 'quant']);
  await fundUser(request, quant.id, '1000000.00', 'NEFT-E2E-QUANT');

  // The shipped demo card under a new version (the seed registered v1 and put it in production).
  // Its thresholds are moved to 0 so that every score is a BUY: the strategy's first orders then
  // follow from the first bar close instead of depending on what the model thinks of the market.
  const card = JSON.parse(readFileSync(join(DEMO, 'card.json'), 'utf8')) as Record<string, unknown>;
  const version = `e2e-${Date.now().toString(36)}`;
  const cardPath = testInfo.outputPath('card.json');
  writeFileSync(cardPath, JSON.stringify({ ...card, version, threshold: { buy: 0, sell: 0 } }));
  const { featureSetVersion: _omitted, ...incomplete } = card;
  const badCardPath = testInfo.outputPath('card-incomplete.json');
  writeFileSync(badCardPath, JSON.stringify({ ...incomplete, version: `${version}-bad` }));

  await logIn(page, quant);
  await expect(page.getByTestId('nav-quant')).toBeVisible();
  await page.getByTestId('nav-quant').click();
  await expect(page.getByTestId('models-page')).toBeVisible();
  // The demo model's production version: the seeded v1 on a fresh stack, or whatever an earlier
  // run of this test promoted (so the test holds when repeated against one stack).
  const production = page.locator('[data-testid^="model-row-"][data-name="demo-momentum"][data-stage="production"]');
  await expect(production).toHaveCount(1);
  const replacedVersion = (await production.getAttribute('data-version'))!;
  const replaced = page.locator(`[data-testid^="model-row-"][data-name="demo-momentum"][data-version="${replacedVersion}"]`);

  // Refusals come back as problem documents, shown with their fields.
  await upload(page, badCardPath);
  await expect(page.getByTestId('model-upload-error')).toHaveAttribute('data-code', 'VALIDATION_FAILED');
  await expect(page.getByTestId('model-upload-field-error').filter({ hasText: 'card.featureSetVersion' })).toBeVisible();
  await shot(page, '80-quant-model-upload-refused');
  await upload(page, join(DEMO, 'card.json'));
  await expect(page.getByTestId('model-upload-error')).toHaveAttribute('data-code', 'CONFLICT');
  await expect(page.getByTestId('model-upload-error')).toContainText('already registered');

  // The real upload: registered in staging.
  await upload(page, cardPath);
  const done = page.getByTestId('model-upload-done');
  await expect(done).toBeVisible();
  const modelId = (await done.getAttribute('data-model-id'))!;
  await expect(page.getByTestId(`model-row-${modelId}`)).toHaveAttribute('data-stage', 'staging');
  await shot(page, '81-quant-models');

  // Detail: the card and the per-fold walk-forward charts.
  await page.getByTestId('model-upload-open').click();
  const detail = page.getByTestId('model-detail');
  await expect(detail).toHaveAttribute('data-model-id', modelId);
  await expect(page.getByTestId('model-card-timeframe')).toHaveText('1m');
  await expect(page.getByTestId('model-card-horizon')).toHaveText('15 bars');
  await expect(page.getByTestId('model-card-features')).toHaveAttribute('data-count', String((card.features as string[]).length));
  await expect(page.getByTestId('walk-forward')).toHaveAttribute('data-folds', '4');
  for (const metric of ['auc', 'logLoss', 'hitRate', 'sharpe'])
    await expect(page.getByTestId(`wf-chart-${metric}`).locator('.recharts-bar-rectangle').first()).toBeVisible();
  await shot(page, '82-quant-model-detail');

  // Promote to production, confirming; the dialog names the version it replaces.
  await page.getByTestId('model-promote').click();
  await expect(page.getByTestId('promote-confirm')).toBeDisabled();
  await page.getByTestId('promote-stage-production').check();
  await expect(page.getByTestId('promote-replaces')).toContainText(`v${replacedVersion} is archived`);
  await shot(page, '83-quant-promote-dialog');
  await page.getByTestId('promote-confirm').click();
  await expect(page.getByTestId('promote-dialog')).not.toBeVisible();
  await expect(page.getByTestId('model-detail-stage')).toHaveAttribute('data-stage', 'production');
  await page.getByTestId('subnav-models').click();
  await expect(replaced).toHaveAttribute('data-stage', 'archived');
  await expect(page.getByTestId(`model-row-${modelId}`)).toHaveAttribute('data-stage', 'production');

  // An ml-signal paper strategy on that model, started.
  await page.getByTestId('subnav-strategies').click();
  const name = `e2e momentum ${version}`;
  await page.getByTestId('strategy-name').fill(name);
  await page.getByTestId('strategy-kind-ml-signal').click();
  await page.getByTestId('strategy-symbols').fill(SYMBOLS.join(', '));
  await page.getByTestId('strategy-model').selectOption(modelId);
  await page.getByTestId('strategy-param-quantity').fill('1');
  await page.getByTestId('strategy-mode-paper').click();
  await page.getByTestId('strategy-create-submit').click();
  const strategy = page.locator(`article[data-name="${name}"]`);
  await expect(strategy).toHaveAttribute('data-status', 'stopped');
  const strategyId = (await strategy.getAttribute('data-testid'))!.replace('strategy-', '');
  await page.getByTestId(`strategy-start-${strategyId}`).click();
  await expect(strategy).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId(`strategy-state-${strategyId}`)).toHaveText('running');
  await page.getByTestId(`strategy-orders-toggle-${strategyId}`).click();

  // Its orders, placed at the next bar close from the production model's BUYs.
  const orders = page.getByTestId(`strategy-orders-${strategyId}`).locator('[data-testid^="strategy-order-"]');
  await expect(orders.first()).toBeVisible({ timeout: 100_000 });
  await expect(orders.first()).toHaveAttribute('data-side', 'BUY');
  // The symbol this strategy traded: the model has a BUY signal for it (the order followed one).
  // One of SYMBOLS, chosen by the market, so the checks below hold for any spelling (M&M too).
  const symbol = (await orders.first().getAttribute('data-symbol'))!;
  expect(SYMBOLS).toContain(symbol);
  await expect(page.getByTestId(`strategy-orders-count-${strategyId}`)).not.toHaveText('0');
  await shot(page, '84-quant-strategy-orders');

  // A plain Stop reads "stopped", never "halted"; the P&L then follows live prices without a reload.
  await page.getByTestId(`strategy-stop-${strategyId}`).click();
  await expect(strategy).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId(`strategy-state-${strategyId}`)).toHaveText('stopped');
  await expect(page.getByTestId(`strategy-switch-chip-${strategyId}`)).toHaveCount(0);
  const quantLogin = await request.post('/api/v1/auth/login', { data: { email: quant.email, password: quant.password } });
  const quantHeaders = { authorization: `Bearer ${((await quantLogin.json()) as { accessToken: string }).accessToken}` };
  const adminLogin = await request.post('/api/v1/auth/login', { data: ADMIN });
  const adminHeaders = { authorization: `Bearer ${((await adminLogin.json()) as { accessToken: string }).accessToken}` };
  // Every order it placed has settled (paper orders fill on the next tick), so its book is final.
  const settled = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'];
  await expect
    .poll(
      async () => {
        const { items } = (await (await request.get(`/api/v1/strategies/${strategyId}/orders`, { headers: quantHeaders })).json()) as {
          items: { status: string }[];
        };
        return items.length > 0 && items.every((o) => settled.includes(o.status));
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const view = (await (await request.get(`/api/v1/strategies/${strategyId}`, { headers: quantHeaders })).json()) as {
    pnl: { realized: string };
    positions: { symbol: string; netQuantity: number; averagePrice: string | null }[];
  };
  const open = view.positions.filter((p) => p.netQuantity !== 0);
  expect(open.length).toBeGreaterThan(0);
  // Each open symbol steered to a price ₹10 above its average (on the 0.05 tick), so the expected
  // P&L is exact: in 1e-4 rupee units, (price − average) × net, rounded to the paisa half away from zero.
  const units = (price: string) => {
    const [r, f = ''] = price.split('.');
    return BigInt(r!) * 10_000n + BigInt(f.padEnd(4, '0'));
  };
  const paise = (v: bigint) => (v < 0n ? -((-v + 50n) / 100n) : (v + 50n) / 100n);
  let expected = units(view.pnl.realized) / 100n;
  for (const p of open) {
    const target = ((units(p.averagePrice!) + 250n) / 500n) * 500n + 100_000n;
    const price = `${target / 10_000n}.${String(target % 10_000n)
      .padStart(4, '0')
      .slice(0, 2)}`;
    const res = await request.post('/api/v1/admin/market/steer', { data: { symbol: p.symbol, price }, headers: adminHeaders });
    expect(res.status(), await res.text()).toBe(200);
    expected += paise((target - units(p.averagePrice!)) * BigInt(p.netQuantity));
  }
  const rupees = `${expected < 0n ? '-' : ''}${(expected < 0n ? -expected : expected) / 100n}.${String((expected < 0n ? -expected : expected) % 100n).padStart(2, '0')}`;
  await expect(page.getByTestId(`strategy-pnl-${strategyId}`)).toHaveAttribute('data-total', rupees, { timeout: 15_000 });
  await shot(page, '84b-quant-strategy-live-pnl');
  for (const p of open) {
    await request.post('/api/v1/admin/market/steer', { data: { symbol: p.symbol, price: null }, headers: adminHeaders });
  }
  await page.getByTestId(`strategy-start-${strategyId}`).click();
  await expect(strategy).toHaveAttribute('data-status', 'running');

  // The model's signals in the list (live and over REST), and as markers on the chart.
  await page.getByTestId('subnav-signals').click();
  await page.getByTestId('signals-filter-model').selectOption(modelId);
  const rows = page.getByTestId('signals-table').locator(`[data-model-id="${modelId}"]`);
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toHaveAttribute('data-signal', 'BUY');
  await expect(rows.first()).toHaveAttribute('data-stage', 'production');
  await expect(
    page
      .getByTestId('signals-table')
      .locator(`tr:not([data-model-id="${modelId}"])`)
      .filter({ has: page.locator('td') }),
  ).toHaveCount(0);
  // Filtered to the traded symbol (typed in lower case), its chart carries the BUY markers. The URL
  // is compared decoded: `M&M` stands there as `M%26M`.
  await page.getByTestId('signals-filter-symbol').fill(symbol.toLowerCase());
  await page.getByTestId('signals-filter-symbol').press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('symbol')).toBe(symbol);
  await expect(page.getByTestId('signal-chart')).toHaveAttribute('data-symbol', symbol);
  await expect(page.getByTestId('signal-chart')).toHaveAttribute('data-state', 'ready');
  const symbolRows = page.getByTestId('signals-table').locator('tbody tr');
  await expect(symbolRows.first()).toHaveAttribute('data-symbol', symbol);
  await expect(page.getByTestId('signals-table').locator(`tbody tr:not([data-symbol="${symbol}"])`)).toHaveCount(0);
  await expect(page.getByTestId('signal-chart')).not.toHaveAttribute('data-buy', '0');
  await shot(page, '85-quant-signals');

  // The strategy's own kill switch stops it placing orders.
  await page.getByTestId('subnav-strategies').click();
  await page.getByTestId(`strategy-kill-${strategyId}`).click();
  await expect(page.getByTestId('strategy-kill-confirm')).toBeDisabled();
  await page.getByTestId('strategy-kill-reason').fill('e2e: enough');
  await page.getByTestId('strategy-kill-confirm').click();
  await expect(strategy).toHaveAttribute('data-kill-engaged', 'true');
  await expect(strategy).toHaveAttribute('data-state', 'halted');
  await shot(page, '86-quant-strategy-halted');

  // Narrow screens.
  await page.setViewportSize({ width: 420, height: 860 });
  await shot(page, '87-quant-strategies-narrow');
  await page.goto(`/quant/models/${modelId}`);
  await expect(page.getByTestId('walk-forward')).toBeVisible();
  await shot(page, '88-quant-model-detail-narrow');
  await page.goto(`/quant/signals?modelId=${modelId}`);
  await expect(page.getByTestId('signals-table').locator('tbody tr').first()).toBeVisible();
  await shot(page, '89-quant-signals-narrow');
  await logOut(page);
});

test('a trader sees no Quant section and is refused its pages', async ({ page, request }) => {
  const trader = await registerUser(request, 'notquant');
  await logIn(page, trader);
  await expect(page.getByTestId('nav-trade')).toBeVisible();
  await expect(page.getByTestId('nav-quant')).toHaveCount(0);
  for (const path of ['/quant', '/quant/models', '/quant/signals', '/quant/strategies']) {
    await page.goto(path);
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await expect(page.getByTestId('forbidden')).toContainText('No access to Quant');
    await expect(page.getByTestId('models-page')).toHaveCount(0);
  }
  await shot(page, '90-trader-quant-forbidden');
});

test('an admin reads the Quant area but cannot upload, promote or run strategies (those are the quant role’s)', async ({ page }) => {
  await logIn(page, ADMIN);
  await page.getByTestId('nav-quant').click();
  await expect(page.getByTestId('models-page')).toBeVisible();
  const production = page.locator('[data-testid^="model-row-"][data-stage="production"]');
  await expect(production.first()).toBeVisible();
  await expect(page.getByTestId('model-upload-form')).toHaveCount(0);
  await production.first().locator('a').click();
  await expect(page.getByTestId('walk-forward')).toBeVisible();
  await expect(page.getByTestId('model-promote')).toHaveCount(0);
  await page.getByTestId('subnav-signals').click();
  await expect(page.getByTestId('signals-table')).toBeVisible();
  await page.getByTestId('subnav-strategies').click();
  await expect(page.getByTestId('strategies-quant-only')).toBeVisible();
  await expect(page.getByTestId('strategy-create-form')).toHaveCount(0);
});

test('a quant creates an sma-crossover on 5-minute bars from the form, and its card says whether it has warmed up', async ({
  page,
  request,
}) => {
  const quant = await registerUser(request, 'smaquant');
  await grantRoles(request, quant.id, ['trader', 'quant']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, quant);
  await page.goto('/quant/strategies');
  const name = `e2e sma ${Date.now().toString(36)}`;
  await page.getByTestId('strategy-name').fill(name);
  await page.getByTestId('strategy-kind-sma-crossover').click();
  await page.getByTestId('strategy-symbols').fill('RELIANCE, M&M');
  await page.getByTestId('strategy-param-fast').fill('3');
  await page.getByTestId('strategy-param-slow').fill('7');
  await page.getByTestId('strategy-param-timeframe').selectOption('5m');
  await page.getByTestId('strategy-mode-paper').click();
  await expect(page.getByTestId('strategy-create-submit')).toBeInViewport();
  await page.getByTestId('strategy-create-submit').click();
  const strategy = page.locator(`article[data-name="${name}"]`);
  await expect(strategy).toBeVisible();
  const id = (await strategy.getAttribute('data-testid'))!.replace('strategy-', '');
  // The timeframe went through: the strategy runs on 5m bars.
  const login = await request.post('/api/v1/auth/login', { data: { email: quant.email, password: quant.password } });
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const dto = (await (await request.get(`/api/v1/strategies/${id}`, { headers })).json()) as {
    params: { timeframe: string };
    readiness: { state: string; barsHave: number; barsNeeded: number };
  };
  expect(dto.params.timeframe).toBe('5m');
  // The card says what the API says: warmed up on 7 closed 5m bars of both symbols, or how far along.
  const chip = page.getByTestId(`strategy-readiness-${id}`);
  await expect(chip).toHaveAttribute('data-needed', '7');
  await expect(chip).toHaveAttribute('data-state', dto.readiness.state);
  await expect(chip).toHaveText(
    dto.readiness.state === 'ready' ? /^ready · last 5m bar \d\d:\d\d/ : new RegExp(`^warming ${dto.readiness.barsHave}/7 5m bars$`),
  );
  await shot(page, '91-quant-sma-readiness');
});
