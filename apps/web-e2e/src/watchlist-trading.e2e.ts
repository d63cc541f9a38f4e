import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { ADMIN, grantRoles, logIn, registerUser, setPaperBalance } from './support/fixtures';

/*
 * Issue 16 "Done when": watchlist trading end to end. The NIFTY index profile (TP 30, SL 20, trailing
 * arm 10 / trail 15 / step 5) is an admin's to set (docs/watchlist-trading.md "Settings"), so the
 * trader here is also given the admin role and sets it in the settings drawer like an admin would.
 *
 * The two accounts of the one click: the trader's own paper account and a second paper account the
 * trader adds (POST /broker-accounts { kind: paper }).
 *
 * Prices move only through the test seam POST /api/v1/admin/market/steer (MARKET_STEERING=true in
 * start-stack.mjs): NIFTY is pinned so the ATM strike is known, and the call is steered up to arm and
 * trail the stop, then down through it. Every wait is on a visible state.
 */

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

const RUPEE = 10_000;
const ticks = (price: string): number => {
  const [whole, frac = ''] = price.split('.');
  return Number(whole) * RUPEE + Number(frac.padEnd(4, '0'));
};
/** As the API writes prices: two decimals, up to four when needed ("212.05", "212.025"). */
const rupees = (t: number): string =>
  `${Math.floor(t / RUPEE)}.${String(t % RUPEE)
    .padStart(4, '0')
    .replace(/0{1,2}$/, '')}`;
/** A price on the option's tick (₹0.05), at or above `t`. */
const onTick = (t: number): string => rupees(Math.ceil(t / 500) * 500);

async function bearer(request: APIRequestContext, user: { email: string; password: string }): Promise<Record<string, string>> {
  const res = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(res.status(), await res.text()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

/** Pins the simulated market's price of `symbol` (the test seam). */
async function steer(request: APIRequestContext, headers: Record<string, string>, symbol: string, price: string) {
  const res = await request.post('/api/v1/admin/market/steer', { data: { symbol, price }, headers });
  expect(res.status(), await res.text()).toBe(200);
}

async function screens(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // The quick buttons and the legs tab are in view at this size without scrolling any panel.
    await expect(page.getByTestId('quick-strip-NIFTY')).toBeInViewport();
    await expect(page.getByTestId('trading-tabs')).toBeInViewport();
    await page.screenshot({ path: `test-results/screens/${name}-${size.width}x${size.height}.png` });
  }
  await page.setViewportSize(SIZES[0]);
}

/** The two leg rows (one per account) of `symbol` agree on `attr`. */
async function expectLegs(rows: Locator, attr: string, value: string | RegExp) {
  await expect(rows).toHaveCount(2);
  for (const i of [0, 1]) await expect(rows.nth(i)).toHaveAttribute(attr, value);
}

test('a trader sets NIFTY’s profile, buys the ATM call on two paper accounts with one click, adds one lot (2 lots, not more), and watches the trailing stop arm, trail and exit', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const trader = await registerUser(request, 'quicktrader');
  // The index profile is admin-only: this trader is an admin too.
  await grantRoles(request, trader.id, ['trader', 'admin']);
  await setPaperBalance(request, trader, '5000000.00');
  const headers = await bearer(request, trader);

  // The second paper account, with money of its own.
  const added = await request.post('/api/v1/broker-accounts', { data: { kind: 'paper', name: 'Paper desk 2' }, headers });
  expect(added.status(), await added.text()).toBe(201);
  const second = (await added.json()) as { id: string };
  const funded = await request.post(`/api/v1/broker-accounts/${second.id}/paper-balance`, { data: { amount: '5000000.00' }, headers });
  expect(funded.status(), await funded.text()).toBe(200);

  // NIFTY pinned on a strike: the ATM call is the 25900 one.
  await steer(request, headers, 'NIFTY', '25900.00');

  await logIn(page, trader);
  await page.getByTestId('nav-trade').click();
  await page.getByTestId('watchlist-search').fill('NIFTY');
  await page.getByTestId('watchlist-search-result-NIFTY').click();
  const row = page.getByTestId('watchlist-row-NIFTY');
  await expect(row).toHaveAttribute('data-selected', 'true');
  await expect(row).toHaveAttribute('data-ltp', '25900.00');
  const strip = page.getByTestId('quick-strip-NIFTY');
  await expect(strip).toHaveAttribute('data-mode', 'OPTIONS');
  await expect(page.getByTestId('quick-keys-hint')).toContainText('CE±');

  // Settings: the NIFTY index profile (admin), refused first with the field named, then saved.
  await page.getByTestId('quick-settings-open').click();
  const drawer = page.getByTestId('settings-drawer');
  await expect(drawer).toBeVisible();
  await drawer.getByTestId('settings-tier-index').click();
  await expect(drawer.getByTestId('settings-index-underlying')).toHaveValue('NIFTY');
  const field = (key: string) => drawer.getByTestId(`settings-field-${key}`);
  await field('tpPerUnit').fill('30');
  await field('slPerUnit').fill('20');
  await field('tslEnabled').selectOption('true');
  await field('tslArmAfter').fill('10');
  await field('tslTrailBy').fill('15');
  await field('tslStep').fill('20');
  await drawer.getByTestId('settings-save').click();
  await expect(drawer.getByTestId('settings-error-tslStep')).toBeVisible();
  await field('tslStep').fill('5');
  await drawer.getByTestId('settings-save').click();
  await expect(drawer.getByTestId('settings-saved')).toBeVisible();
  await expect(drawer.getByTestId('settings-error-tslStep')).toHaveCount(0);

  // The watchlist fans out to both accounts.
  await drawer.getByTestId('settings-tier-watchlist').click();
  const accounts = (await (await request.get('/api/v1/broker-accounts', { headers })).json()) as { items: { id: string; kind: string }[] };
  const papers = accounts.items.filter((a) => a.kind === 'paper');
  expect(papers.map((a) => a.id)).toContain(second.id);
  expect(papers).toHaveLength(2);
  for (const a of papers) await drawer.getByTestId(`settings-account-${a.id}`).check();
  await drawer.getByTestId('settings-save').click();
  await expect(drawer.getByTestId('settings-saved')).toBeVisible();

  // Effective values and their tiers: "30 ← index", the accounts ← watchlist.
  const effective = (key: string) => drawer.getByTestId(`settings-effective-${key}`);
  await expect(effective('tpPerUnit')).toHaveAttribute('data-source', 'index');
  await expect(effective('tpPerUnit')).toHaveAttribute('data-value', '"30"');
  await expect(effective('tpPerUnit')).toContainText('30 ← index');
  await expect(effective('tslStep')).toHaveAttribute('data-value', '"5"');
  await expect(effective('accountIds')).toHaveAttribute('data-source', 'watchlist');
  await expect(effective('stepLots')).toHaveAttribute('data-source', 'global');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await drawer.evaluate((el) => el.querySelector('.drawer-body')?.scrollTo(0, 0));
    await page.screenshot({ path: `test-results/screens/90-quick-settings-${size.width}x${size.height}.png` });
  }
  await page.setViewportSize(SIZES[0]);
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);

  // The preview: the ATM call of the nearest weekly, one lot.
  const preview = page.getByTestId('quick-preview-CE');
  await expect(preview).toHaveAttribute('data-symbol', /^NIFTY.*25900CE$/);
  const call = (await preview.getAttribute('data-symbol'))!;
  const lot = Number(await preview.getAttribute('data-quantity'));
  expect(lot).toBeGreaterThan(0);
  await expect(preview).toHaveAttribute('data-lots', '1');

  // The call at a known price.
  await steer(request, headers, call, '200.00');

  // One click: both accounts accept.
  const buyCall = page.getByTestId('quick-CE+-NIFTY');
  await buyCall.click();
  const result = page.getByTestId('quick-result');
  await expect(result).toHaveAttribute('data-tone', 'success');
  await expect(result).toContainText('2/2 accepted');
  await page.getByTestId('trading-tab-legs').click();
  const legs = page.getByTestId(`leg-row-${call}`);
  await expectLegs(legs, 'data-net', String(lot));

  // Again, as a double click: one more lot, not two (the button is disabled while the click is in flight).
  await buyCall.dblclick();
  await expectLegs(legs, 'data-target', String(2 * lot));
  await expectLegs(legs, 'data-net', String(2 * lot));
  await expect(result).toContainText('2/2 accepted');

  // The leg's levels: TP and SL around the entry, the trailing stop waiting to arm.
  await expectLegs(legs, 'data-tp', /^\d+\.\d{2,4}$/);
  const entry = ticks((await legs.first().getAttribute('data-tp'))!) - 30 * RUPEE;
  await expectLegs(legs, 'data-sl', rupees(entry - 20 * RUPEE));
  await expectLegs(legs, 'data-tsl', 'waiting');
  await legs.first().click();
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('data-symbol', call);
  await expect(chart).toHaveAttribute('data-levels', `TP:${rupees(entry + 30 * RUPEE)}|SL:${rupees(entry - 20 * RUPEE)}`);
  await screens(page, '91-quick-two-lots');

  // +12: armed at break-even.
  await steer(request, headers, call, onTick(entry + 12 * RUPEE));
  await expectLegs(legs, 'data-tsl', 'armed');
  await expectLegs(legs, 'data-tsl-stop', rupees(entry));
  await expect(chart).toHaveAttribute('data-levels', new RegExp(`\\|TSL:${rupees(entry).replace('.', '\\.')}$`));
  await screens(page, '92-quick-trailing-armed');

  // +26: best − 15 = +11, whole steps of 5 → the stop trails to +10.
  await steer(request, headers, call, onTick(entry + 26 * RUPEE));
  await expectLegs(legs, 'data-tsl-stop', rupees(entry + 10 * RUPEE));
  await expect(chart).toHaveAttribute('data-levels', new RegExp(`\\|TSL:${rupees(entry + 10 * RUPEE).replace('.', '\\.')}$`));
  await screens(page, '93-quick-trailing-moved');

  // +5: through the stop → one trailing-stop exit flattens both accounts.
  await steer(request, headers, call, onTick(entry + 5 * RUPEE));
  const alert = page.getByTestId('legs-risk-exit');
  await expect(alert).toHaveAttribute('data-kind', 'TSL');
  await expect(alert).toHaveAttribute('data-symbol', call);
  await expect(alert).toContainText('Trailing stop hit');
  // Flat on both accounts: the leg leaves the panel.
  await expect(legs).toHaveCount(0);
  await screens(page, '94-quick-trailing-exit');
  const exits = (await (await request.get('/api/v1/risk-exits', { headers })).json()) as { items: { kind: string; symbol: string }[] };
  expect(exits.items.filter((e) => e.symbol === call).map((e) => e.kind)).toEqual(['TSL']);
});

test('quick keys on the selected row: 3 buys the ATM put, a click under the kill switch is refused with its reason, and X exits the row (reducing, so allowed)', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'quickkeys');
  await setPaperBalance(request, trader, '5000000.00');
  const headers = await bearer(request, trader);
  // Only an admin steers the market (the trader here is not one).
  const admin = await bearer(request, ADMIN);
  await steer(request, admin, 'NIFTY', '25900.00');

  await logIn(page, trader);
  await page.getByTestId('nav-trade').click();
  await page.getByTestId('watchlist-search').fill('NIFTY');
  await page.getByTestId('watchlist-search-result-NIFTY').click();
  await expect(page.getByTestId('watchlist-row-NIFTY')).toHaveAttribute('data-ltp', '25900.00');
  const preview = page.getByTestId('quick-preview-PE');
  await expect(preview).toHaveAttribute('data-symbol', /^NIFTY.*25900PE$/);
  const put = (await preview.getAttribute('data-symbol'))!;
  const lot = Number(await preview.getAttribute('data-quantity'));
  await steer(request, admin, put, '150.00');
  // The keys are shown, and each button's tooltip names its key.
  await expect(page.getByTestId('quick-keys-hint')).toContainText('Quick keys');
  await expect(page.getByTestId('quick-PE+-NIFTY')).toHaveAttribute('title', /\(key 3\)$/);

  // 3 on the focused list: PE+ on the default (paper) account.
  await page.getByTestId('watchlist-rows').focus();
  await page.keyboard.press('3');
  const result = page.getByTestId('quick-result');
  await expect(result).toHaveAttribute('data-tone', 'success');
  await expect(result).toContainText(`1/1 accepted · ${put}`);
  await page.getByTestId('trading-tab-legs').click();
  const leg = page.getByTestId(`leg-row-${put}`);
  await expect(leg).toHaveAttribute('data-net', String(lot));

  // The trader's own kill switch: a buy is refused, and the row says why in words.
  const engaged = await request.post('/api/v1/risk/kill-switch', { data: { engaged: true, reason: 'E2E: stop adding' }, headers });
  expect(engaged.status(), await engaged.text()).toBe(200);
  await page.getByTestId('watchlist-rows').focus();
  await page.keyboard.press('3');
  await expect(result).toHaveAttribute('data-tone', 'error');
  await expect(result).toContainText('0/1 accepted');
  await expect(result).toContainText(/Paper: refused — .*kill switch/i);
  await expect(result).not.toContainText('KILL_SWITCH'); // words, not the machine code
  await expect(leg).toHaveAttribute('data-net', String(lot));
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `test-results/screens/95-quick-refused-${size.width}x${size.height}.png` });
  }
  await page.setViewportSize(SIZES[0]);

  // X exits the row's legs: it reduces exposure, so the switch lets it through.
  await page.getByTestId('watchlist-rows').focus();
  await page.keyboard.press('x');
  await expect(result).toHaveAttribute('data-tone', 'success');
  await expect(result).toContainText('1/1 accepted');
  await expect(leg).toHaveCount(0);
  await expect(page.getByTestId('quick-EXIT-NIFTY')).toBeDisabled();
});
