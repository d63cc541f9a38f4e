import { expect, test, type APIRequestContext } from '@playwright/test';
import { fakeKiteApp, setFakeKiteHoldings } from './support/fake-kite';
import { ADMIN, grantRoles, logIn, logOut, registerUser, shot } from './support/fixtures';

// Compliance → Reconciliation (docs/api.md "Compliance cases"; docs/brokers.md 4.12, "Opening
// holdings baseline"): a Kite account whose demat holds 10 INFY from before the platform is
// reconciled (the baseline captures the 10); 3 of them then leave the demat outside the platform,
// and the next run records a POSITION_MISMATCH naming the opening holdings. Compliance reads it,
// resolves it with a note and re-captures the account's baseline.

const INFY = { tradingsymbol: 'INFY', exchange: 'NSE', isin: 'INE009A01021', averagePrice: 15_000_000 };

async function bearer(request: APIRequestContext, user: { email: string; password: string }) {
  const res = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(res.status()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

/** The admin's job (POST /admin/jobs/broker-reconciliation) for one account; the worker runs it. */
async function reconcile(request: APIRequestContext, accountId: string) {
  const res = await request.post('/api/v1/admin/jobs/broker-reconciliation', {
    data: { accountId },
    headers: await bearer(request, ADMIN),
  });
  expect(res.status(), await res.text()).toBe(202);
}

test('compliance reads a reconciliation case with its figures (ours, opening holdings, broker, its holdings), resolves it with a note, and re-captures the account’s holdings baseline', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(120_000);
  const app = await fakeKiteApp(request);
  await setFakeKiteHoldings(request, [{ ...INFY, quantity: 10 }]);

  // A trader's Kite account, logged in through Kite's login (the fake redirects to our callback).
  const trader = await registerUser(request, 'recon-trader');
  const traderHeaders = await bearer(request, trader);
  const created = await request.post('/api/v1/broker-accounts', {
    data: { kind: 'kite', name: 'Zerodha recon', credentials: { apiKey: app.apiKey, apiSecret: app.apiSecret } },
    headers: traderHeaders,
  });
  expect(created.status(), await created.text()).toBe(201);
  const accountId = ((await created.json()) as { id: string }).id;
  const login = await request.get(`/api/v1/broker-accounts/${accountId}/login`, { headers: traderHeaders });
  expect(login.status(), await login.text()).toBe(200);
  const landed = await request.get(((await login.json()) as { url: string }).url);
  expect(new URL(landed.url()).searchParams.get('login')).toBe('ok');

  const auditor = await registerUser(request, 'recon-auditor');
  await grantRoles(request, auditor.id, ['compliance']);
  const auditorHeaders = await bearer(request, auditor);

  // The first run captures the baseline: the 10 INFY held before the platform.
  await reconcile(request, accountId);
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/compliance/broker-accounts/${accountId}/holdings-baseline`, { headers: auditorHeaders });
        return ((await res.json()) as { captured?: boolean; items?: unknown[] }).items;
      },
      { timeout: 30_000 },
    )
    .toEqual([{ symbol: 'INFY', quantity: 10 }]);

  // 3 leave the demat outside the platform; the next run finds ours 0 + opening 10 against Kite's 7.
  await setFakeKiteHoldings(request, [{ ...INFY, quantity: 7 }]);
  await reconcile(request, accountId);
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/v1/compliance/cases', { params: { accountId, status: 'open' }, headers: auditorHeaders });
        const items = ((await res.json()) as { items?: { kind: string; subject: string }[] }).items ?? [];
        return items.filter((c) => c.kind === 'POSITION_MISMATCH' && c.subject === 'INFY:CNC').length;
      },
      { timeout: 30_000 },
    )
    .toBe(1);

  // Compliance → Reconciliation, through the section's tabs.
  await logIn(page, auditor);
  await page.goto('/compliance');
  await page.getByTestId('subnav-reconciliation').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reconciliation' })).toBeVisible();
  await expect(page.getByTestId('cases-status-filter')).toHaveValue('open');
  const row = page.locator('[data-testid="case-row"][data-kind="POSITION_MISMATCH"]').filter({ hasText: 'INFY:CNC' });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'open');
  await expect(row.getByTestId('case-summary')).toHaveText('ours 0 + opening 10 ≠ broker 7 (holdings 7)');
  await expect(row).toContainText('Position mismatch');

  // The filters the API takes: kind and IST trading days narrow the list; Clear shows every case.
  const day = (await row.getByRole('cell').first().textContent())!;
  const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId('cases-kind-filter').selectOption('CASH_MISMATCH');
  await expect(row).toHaveCount(0);
  await page.getByTestId('cases-kind-filter').selectOption('POSITION_MISMATCH');
  await page.getByTestId('cases-from').fill(day);
  await page.getByTestId('cases-to').fill(day);
  await expect(row).toHaveCount(1);
  await page.getByTestId('cases-to').fill('');
  await page.getByTestId('cases-from').fill(nextDay);
  await expect(row).toHaveCount(0);
  await expect(page.getByText('No cases match these filters.')).toBeVisible();
  await page.getByTestId('cases-clear-filters').click();
  await expect(page.getByTestId('cases-status-filter')).toHaveValue('');
  await expect(row).toHaveCount(1);
  await page.getByTestId('cases-status-filter').selectOption('open');

  // Its details: each side's figures, named.
  await row.click();
  const details = page.getByTestId('case-details');
  await expect(details.getByRole('heading', { name: 'Position mismatch' })).toBeVisible();
  await expect(details).toContainText(accountId);
  const figures = details.getByRole('table', { name: 'Case figures' });
  await expect(figures.getByRole('row')).toHaveText([
    'Ours (platform)0',
    'Opening holdings10',
    'Ours + opening10',
    'Broker7',
    'of which broker holdings7',
    'Difference (broker − ours)-3',
  ]);
  await expect(figures.locator('tr[data-side="broker"] td')).toHaveText('7');
  const resolveButton = details.getByTestId('case-resolve');
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(resolveButton).toBeInViewport();
    await shot(page, `80-compliance-case-details-${size.width}x${size.height}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // An admin reads the same case, but resolving is compliance's: no Resolve action for them.
  const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const adminPage = await adminContext.newPage();
  await logIn(adminPage, ADMIN);
  await adminPage.goto(`/compliance/reconciliation?accountId=${accountId}`);
  const adminRow = adminPage.locator(`[data-testid="case-row"][data-case-id="${await row.getAttribute('data-case-id')}"]`);
  await expect(adminRow).toHaveAttribute('data-status', 'open');
  await expect(adminRow.getByRole('button', { name: /^Resolve/ })).toHaveCount(0);
  await adminRow.click();
  await expect(adminPage.getByTestId('case-details')).toContainText('Compliance resolves cases.');
  await expect(adminPage.getByTestId('case-resolve')).toHaveCount(0);
  await adminContext.close();

  // Resolved with a note: the confirm waits for one.
  await resolveButton.click();
  const dialog = page.getByRole('dialog', { name: 'Resolve case' });
  await expect(dialog).toContainText('ours 0 + opening 10 ≠ broker 7 (holdings 7)');
  const confirm = dialog.getByTestId('resolve-confirm');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Resolution note (audited)').fill('   ');
  await expect(confirm).toBeDisabled();
  const note = 'Client moved 3 INFY to another demat (transfer slip 4711); not a missed fill.';
  await dialog.getByLabel('Resolution note (audited)').fill(note);
  await expect(confirm).toBeInViewport();
  await shot(page, '81-compliance-case-resolve-dialog');
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(details.getByTestId('case-details-status')).toHaveText('Resolved');
  await expect(details.getByTestId('case-resolution')).toContainText(note);
  await expect(details.getByTestId('case-resolution')).toContainText(auditor.id);
  await expect(resolveButton).toHaveCount(0);
  // Gone from the open cases; there among the resolved ones.
  await expect(row).toHaveCount(0);
  await page.getByTestId('cases-status-filter').selectOption('resolved');
  await expect(row).toHaveAttribute('data-status', 'resolved');
  await expect(row.getByTestId('case-status')).toHaveText('Resolved');
  await expect(row.getByRole('button', { name: /^Resolve/ })).toHaveCount(0);
  await shot(page, '82-compliance-case-resolved');

  // The account's opening holdings baseline: the 10 captured by the reconciliation, re-captured
  // now from Kite's books (7) behind a confirmation.
  await details.getByRole('button', { name: 'Baseline & cases' }).click();
  await expect(page.getByTestId('cases-account-filter')).toHaveValue(accountId);
  const baseline = page.getByTestId('holdings-baseline');
  await expect(baseline.getByTestId('baseline-item')).toHaveText(['INFY 10']);
  await expect(baseline.getByTestId('baseline-source')).toContainText('Captured by the reconciliation');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(details).toBeHidden();
  const recapture = baseline.getByTestId('baseline-recapture');
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(recapture).toBeInViewport();
    await shot(page, `83-compliance-holdings-baseline-${size.width}x${size.height}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await recapture.click();
  const confirmRecapture = page.getByRole('dialog', { name: 'Re-capture the holdings baseline' });
  await expect(confirmRecapture).toContainText('compliance.holdings_baseline_captured');
  await confirmRecapture.getByTestId('baseline-recapture-confirm').click();
  await expect(confirmRecapture).toBeHidden();
  await expect(baseline.getByTestId('baseline-item')).toHaveText(['INFY 7']);
  await expect(baseline.getByTestId('baseline-source')).toContainText('Re-captured by compliance');
  await shot(page, '84-compliance-holdings-baseline-recaptured');

  // Refused with the server's reason: a disabled account's baseline is not re-captured (409), and
  // the one on record stays.
  const disabled = await request.patch(`/api/v1/broker-accounts/${accountId}`, { data: { disabled: true }, headers: traderHeaders });
  expect(disabled.status(), await disabled.text()).toBe(200);
  await recapture.click();
  await confirmRecapture.getByTestId('baseline-recapture-confirm').click();
  await expect(confirmRecapture.getByTestId('baseline-recapture-error')).toHaveText(
    'The broker account is disabled: enable it before re-capturing its holdings baseline',
  );
  await shot(page, '85-compliance-holdings-baseline-refused');
  await confirmRecapture.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirmRecapture).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('holdings-baseline').getByTestId('baseline-item')).toHaveText(['INFY 7']);

  // The admin sees the resolution and the re-captured baseline too.
  await logOut(page);
  await logIn(page, ADMIN);
  await page.goto(`/compliance/reconciliation?accountId=${accountId}`);
  await page.getByTestId('cases-status-filter').selectOption('');
  await expect(row).toHaveAttribute('data-status', 'resolved');
  await expect(page.getByTestId('holdings-baseline').getByTestId('baseline-item')).toHaveText(['INFY 7']);
});
