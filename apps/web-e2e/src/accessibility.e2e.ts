import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, fundUser, grantRoles, logIn, registerUser, setPaperBalance } from './support/fixtures';

/**
 * Accessibility scan (axe-core) of every page of the router, as each role sees it, plus the key
 * dialogs: no violation of impact "serious" or "critical" under WCAG 2.0/2.1 A and AA. Moderate and
 * minor ones are printed for the record. The first test holds the page list to the router, so a
 * route added later fails here until it is scanned.
 */

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ROUTER_FILE = join(__dirname, '../../web/src/app/router.tsx');

type Role = 'trader' | 'quant' | 'compliance' | 'admin';
interface Ctx {
  /** A trader the admin pages show (their own page, their orders). */
  traderId: string;
  /** A model of the registry (the seeded demo model). */
  modelId: string;
}
/** One screen: the route of the router it renders, the address to open and what shows it is ready. */
interface Visit {
  route: string;
  name: string;
  url: (ctx: Ctx) => string;
  ready: (page: Page) => Locator;
  /** States of the same page scanned after it (a dialog, the ticket), each from the page as it was left; `only` the roles that have it. */
  states?: { name: string; only?: Role[]; open: (page: Page) => Promise<void>; close?: (page: Page) => Promise<void> }[];
}

const h1 = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { level: 1, name });
const byTestId = (id: string) => (page: Page) => page.getByTestId(id);
const visit = (route: string, name: string, ready: Visit['ready'], extra: Partial<Visit> = {}): Visit => ({
  route,
  name,
  url: () => route,
  ready,
  ...extra,
});

async function openDialog(page: Page, opener: Locator, dialogTestId: string | null, content?: Locator) {
  await opener.click();
  await expect(dialogTestId ? page.getByTestId(dialogTestId) : page.getByRole('dialog')).toBeVisible();
  if (content) await expect(content).toBeVisible();
}
async function escapeDialog(page: Page) {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

/** B opens the ticket as a buy for the charted instrument (focus off any field first). */
async function openTicket(page: Page) {
  await page
    .getByTestId('price-chart')
    .click({ position: { x: 5, y: 5 } })
    .catch(() => undefined);
  await page.keyboard.press('b');
  await expect(page.getByTestId('order-ticket')).toHaveAttribute('data-side', 'BUY');
}
async function closeTicket(page: Page) {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('order-ticket')).toHaveCount(0);
}

// ---- The screens, by section --------------------------------------------------------------------

const ACCOUNT: Visit[] = [
  visit('/account', 'Account & security', h1('Account & security')),
  visit('/account/brokers', 'Account → Brokers', byTestId('brokers-page'), {
    states: [
      {
        name: 'add broker account form',
        only: ['trader', 'admin'],
        open: async (page) => {
          await page.getByTestId('broker-add-open').click();
          await expect(page.getByRole('dialog').or(page.locator('form')).first()).toBeVisible();
        },
      },
    ],
  }),
  visit('/account/notifications', 'Account → Notifications', byTestId('notifications-page')),
];

const TRADE: Visit[] = [
  visit('/', 'home (lands on the role’s section)', (page) => page.getByRole('heading', { level: 1 })),
  {
    route: '/trade',
    name: 'Trade → Market watch',
    url: () => '/trade?symbol=RELIANCE',
    ready: byTestId('trade-page'),
    states: [
      {
        name: 'order ticket open',
        open: async (page) => {
          await openTicket(page);
          await page.getByTestId('ticket-type-LIMIT').click();
        },
        close: closeTicket,
      },
      {
        name: 'order ticket filled in (estimate shown, submit enabled)',
        only: ['trader'],
        open: async (page) => {
          await openTicket(page);
          await page.getByTestId('ticket-type-MARKET').click();
          await page.getByTestId('ticket-quantity').fill('1');
          await expect(page.getByTestId('ticket-estimate')).toHaveAttribute('data-hold', /^₹/);
          await expect(page.getByTestId('ticket-submit')).toBeEnabled();
        },
        close: closeTicket,
      },
      {
        name: 'chart indicators menu, one indicator on',
        open: async (page) => {
          await page.getByTestId('chart-indicators-toggle').click();
          await expect(page.getByTestId('chart-indicators-menu')).toBeVisible();
          const first = page.getByTestId('chart-indicators-menu').getByRole('button').first();
          if ((await first.getAttribute('aria-pressed')) !== 'true') await first.click();
          await expect(first).toHaveAttribute('aria-pressed', 'true');
          await expect(page.getByTestId('chart-indicator-values')).toBeVisible();
        },
        close: async (page) => {
          await page.keyboard.press('Escape');
          await expect(page.getByTestId('chart-indicators-menu')).toHaveCount(0);
        },
      },
      {
        name: 'chart price alerts panel',
        open: async (page) => {
          await page.getByTestId('chart-alerts-toggle').click();
          await expect(page.getByTestId('chart-alerts-panel')).toBeVisible();
        },
        close: async (page) => {
          await page.keyboard.press('Escape');
          await expect(page.getByTestId('chart-alerts-panel')).toHaveCount(0);
        },
      },
      {
        name: 'new price alert form',
        open: async (page) => {
          await page.getByTestId('chart-alert-add').click();
          await expect(page.getByTestId('price-alert-form')).toBeVisible();
        },
        close: async (page) => {
          await page.getByTestId('price-alert-cancel').click();
          await expect(page.getByTestId('price-alert-form')).toHaveCount(0);
        },
      },
      {
        name: 'modify order dialog',
        only: ['trader'],
        open: async (page) => {
          await page.getByTestId('trading-tab-orders').click();
          const modify = page.locator('[data-testid^="order-modify-"]').first();
          await openDialog(page, modify, null, page.getByTestId('order-modify-quantity'));
        },
        close: escapeDialog,
      },
      ...(['positions', 'trades', 'legs'] as const).map((tab) => ({
        name: `${tab} tab`,
        open: async (page: Page) => {
          await page.getByTestId(`trading-tab-${tab}`).click();
          await expect(page.getByTestId(`trading-tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
        },
      })),
      {
        name: 'risk tab',
        open: async (page) => {
          await page.getByTestId('trading-tab-risk').click();
          await expect(page.getByTestId('risk-panel')).toBeVisible();
        },
      },
      {
        // The trader's own switch (an admin's are on Admin → Risk).
        name: 'kill switch confirmation',
        only: ['trader'],
        open: async (page) => {
          await expect(page.getByTestId('kill-switch-state')).toHaveAttribute('data-engaged', /true|false/);
          await openDialog(page, page.getByTestId('kill-switch-button'), 'kill-switch-dialog');
        },
        close: escapeDialog,
      },
      {
        name: 'keyboard shortcuts dialog',
        open: async (page) => {
          await page.locator('body').click({ position: { x: 2, y: 2 } });
          await page.keyboard.press('?');
          await expect(page.getByRole('dialog')).toBeVisible();
        },
        close: escapeDialog,
      },
    ],
  },
  {
    route: '/trade/option-chain',
    name: 'Trade → Option chain',
    url: () => '/trade/option-chain?underlying=NIFTY',
    ready: (page) => page.getByTestId('option-chain'),
  },
  visit('/trade/webhooks', 'Trade → Webhooks', byTestId('webhooks-page')),
  visit('/trade/engines', 'Trade → Engines', byTestId('engines-page')),
];

const PORTFOLIO: Visit[] = [
  visit('/portfolio', 'Portfolio (opens its first page)', (page) => page.getByRole('heading', { level: 1 })),
  visit('/portfolio/holdings', 'Portfolio → Holdings', byTestId('holdings-page')),
  visit('/portfolio/wallet', 'Portfolio → Wallet', h1('Wallet')),
];

const QUANT: Visit[] = [
  visit('/quant', 'Quant (opens Models)', byTestId('models-page')),
  visit('/quant/models', 'Quant → Models', byTestId('models-table')),
  {
    route: '/quant/models/:modelId',
    name: 'Quant → a model',
    url: (ctx) => `/quant/models/${ctx.modelId}`,
    ready: byTestId('model-card'),
    states: [
      {
        name: 'promote dialog',
        only: ['quant'],
        open: (page) => openDialog(page, page.getByTestId('model-promote'), 'promote-dialog'),
        close: escapeDialog,
      },
    ],
  },
  visit('/quant/signals', 'Quant → Signals', byTestId('signals-table')),
  visit('/quant/strategies', 'Quant → Strategies', byTestId('strategies-page')),
  visit('/quant/backtests', 'Quant → Backtests', byTestId('backtests-page')),
];

const COMPLIANCE: Visit[] = [
  visit('/compliance', 'Compliance (opens the Ledger)', h1('Ledger')),
  visit('/compliance/ledger', 'Compliance → Ledger', h1('Ledger')),
  visit('/compliance/audit', 'Compliance → Audit log', h1('Audit log')),
  visit('/compliance/reconciliation', 'Compliance → Reconciliation', h1('Reconciliation')),
  visit('/compliance/surveillance', 'Compliance → Surveillance', byTestId('surveillance-filters')),
];

const ADMIN_PAGES: Visit[] = [
  visit('/admin', 'Admin (opens Users)', h1('Users')),
  visit('/admin/users', 'Admin → Users', h1('Users'), {
    states: [
      { name: 'new user dialog', open: (page) => openDialog(page, page.getByTestId('new-user'), 'new-user-dialog'), close: escapeDialog },
      {
        name: 'edit user dialog',
        open: (page) => openDialog(page, page.getByTestId('user-row').first().getByTestId('edit-user'), 'edit-user-dialog'),
        close: escapeDialog,
      },
    ],
  }),
  {
    route: '/admin/users/:id',
    name: 'Admin → a user',
    url: (ctx) => `/admin/users/${ctx.traderId}`,
    ready: byTestId('admin-user-page'),
    states: [
      {
        name: 'reset password confirmation',
        open: (page) => openDialog(page, page.getByTestId('admin-user-reset-password'), 'credential-reset-dialog'),
        close: escapeDialog,
      },
    ],
  },
  visit('/admin/funding', 'Admin → Funding', h1('Funding')),
  visit('/admin/risk', 'Admin → Risk', byTestId('risk-admin-page'), {
    states: [
      {
        name: 'global kill switch confirmation',
        open: (page) => openDialog(page, page.getByTestId('global-kill-switch-engage'), 'admin-kill-switch-dialog'),
        close: escapeDialog,
      },
    ],
  }),
];

const NOT_FOUND = visit('/*', '404 page', h1('No such page'), { url: () => '/no-such-page-anywhere' });
const forbidden = (section: string, path: string): Visit => ({
  route: 'forbidden',
  name: `403 page (${section})`,
  url: () => path,
  ready: byTestId('forbidden'),
});

const PLANS: Record<Role, Visit[]> = {
  trader: [...TRADE, ...PORTFOLIO, ...ACCOUNT, NOT_FOUND, forbidden('Admin', '/admin/users')],
  quant: [visit('/', 'home (lands on Quant)', byTestId('models-page')), ...QUANT, ...ACCOUNT, NOT_FOUND, forbidden('Trade', '/trade')],
  compliance: [
    visit('/', 'home (lands on Compliance)', h1('Ledger')),
    ...COMPLIANCE,
    ...ACCOUNT,
    NOT_FOUND,
    forbidden('Quant', '/quant/models'),
  ],
  admin: [
    visit('/', 'home (lands on Admin)', h1('Users')),
    ...ADMIN_PAGES,
    ...TRADE.filter((v) => v.route !== '/'),
    ...PORTFOLIO,
    ...QUANT,
    ...COMPLIANCE,
    ...ACCOUNT,
    NOT_FOUND,
  ],
};
/** Signed out: the public pages (PublicOnly). */
const PUBLIC: Visit[] = [visit('/login', 'Sign in', byTestId('login-submit')), visit('/register', 'Register', byTestId('register-submit'))];

// ---- The completeness check ---------------------------------------------------------------------

/**
 * Every route's full path in router.tsx (index routes as their parent's path, `*` as "/*"),
 * read from the source: each `{ … }` is an object, and a `path: '…'` or `index: true` in it names it.
 */
function routerPaths(source: string): string[] {
  const stack: { path?: string; index?: boolean }[] = [];
  const paths = new Set<string>();
  const body = source.slice(source.indexOf('createBrowserRouter('));
  for (const m of body.matchAll(/\{|\}|\bpath:\s*'([^']*)'|\bindex:\s*true/g)) {
    if (m[0] === '{') stack.push({});
    else if (m[0] === '}') {
      const node = stack.pop();
      if (!node || (node.path === undefined && !node.index)) continue;
      let full = '';
      for (const seg of [...stack.map((n) => n.path), node.path]) {
        if (seg === undefined) continue;
        full = seg.startsWith('/') ? seg : `${full.replace(/\/$/, '')}/${seg}`;
      }
      paths.add(full || '/');
    } else if (m[1] !== undefined) stack.at(-1)!.path = m[1];
    else stack.at(-1)!.index = true;
  }
  return [...paths].sort();
}

test('the scan covers every route of the router', () => {
  const routes = routerPaths(readFileSync(ROUTER_FILE, 'utf8'));
  expect(routes.length, 'routes read from router.tsx').toBeGreaterThan(20);
  const scanned = new Set([...PUBLIC, ...Object.values(PLANS).flat()].map((v) => v.route));
  const missing = routes.filter((r) => !scanned.has(r));
  expect(missing, `routes in router.tsx with no accessibility scan — add them to PLANS in ${__filename}`).toEqual([]);
  const stale = [...scanned].filter((r) => r !== 'forbidden' && !routes.includes(r));
  expect(stale, 'scanned routes that router.tsx no longer has').toEqual([]);
  // Every section a role can open is scanned for that role; admin opens them all.
  for (const section of ['/trade', '/portfolio', '/quant', '/compliance', '/admin', '/account']) {
    const inSection = routes.filter((r) => r === section || r.startsWith(`${section}/`));
    const adminRoutes = new Set(PLANS.admin.map((v) => v.route));
    expect(
      inSection.filter((r) => !adminRoutes.has(r)),
      `${section} routes the admin scan misses`,
    ).toEqual([]);
  }
});

// ---- Scanning -----------------------------------------------------------------------------------

/** Waits for the page's content, not a clock: its marker, then no loading placeholder left. */
async function settle(page: Page, ready: Locator) {
  await expect(ready.first()).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByText(/\bloading\b[^.]*…/i)).toHaveCount(0, { timeout: 20_000 });
}

async function scan(page: Page, who: string, screen: string) {
  const started = Date.now();
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const took = Date.now() - started;
  const where = `${who} · ${screen} (${new URL(page.url()).pathname}${new URL(page.url()).search})`;
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const count = (impact: string) => results.violations.filter((v) => v.impact === impact);
  const summary = (impact: string) =>
    count(impact)
      .map((v) => `${v.id}×${v.nodes.length}`)
      .join(', ') || '-';
  console.log(
    `[a11y] ${where}: serious/critical ${blocking.length}, moderate ${count('moderate').length} [${summary('moderate')}], minor ${count('minor').length} [${summary('minor')}] (${took} ms)`,
  );
  const report = blocking
    .map(
      (v) =>
        `\n• ${v.id} (${v.impact}) on ${where}: ${v.help} — ${v.helpUrl}\n` +
        v.nodes
          .slice(0, 15)
          .map(
            (n) =>
              `    ${n.target.map(String).join(' ')}  ${n.html.slice(0, 160)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`,
          )
          .join('\n') +
        (v.nodes.length > 15 ? `\n    … and ${v.nodes.length - 15} more` : ''),
    )
    .join('');
  expect.soft(blocking.length, `serious/critical accessibility violations on ${where}:${report}\n`).toBe(0);
}

/**
 * Each form page's primary action, by route, and the roles that have it (the others see the page
 * without the form). At 1440×900 and 1024×768 it must be inside the viewport as the page opens: a
 * person sees it without scrolling anything.
 */
const PRIMARY: Record<string, { testId: string; roles?: (Role | 'signed out')[] }> = {
  '/login': { testId: 'login-submit' },
  '/register': { testId: 'register-submit' },
  '/account': { testId: 'password-submit' },
  '/account/brokers': { testId: 'broker-add-open', roles: ['trader', 'admin'] },
  '/account/notifications': { testId: 'channel-add-open' },
  '/trade': { testId: 'ticket-open-buy', roles: ['trader'] },
  '/trade/option-chain': { testId: 'chain-expiry' },
  '/trade/webhooks': { testId: 'source-new', roles: ['trader'] },
  '/portfolio/holdings': { testId: 'portfolio-day-pnl', roles: ['trader'] },
  '/portfolio/wallet': { testId: 'wallet-available' },
  '/quant/models': { testId: 'model-upload-submit', roles: ['quant'] },
  '/quant/strategies': { testId: 'strategy-create-submit', roles: ['quant'] },
  '/quant/backtests': { testId: 'backtest-submit', roles: ['quant'] },
  '/compliance/ledger': { testId: 'ledger-verify' },
  '/compliance/audit': { testId: 'audit-export' },
  '/compliance/surveillance': { testId: 'surveillance-export' },
  '/admin/users': { testId: 'new-user', roles: ['admin'] },
  '/admin/funding': { testId: 'funding-user-search', roles: ['admin'] },
  '/admin/risk': { testId: 'funding-user-search', roles: ['admin'] },
};
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];
const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** Screenshots of the page at both sizes (test-results/screens/pages/), its primary action in the viewport at each. */
async function layout(page: Page, who: Role | 'signed out', v: Visit) {
  const primary = PRIMARY[v.route];
  const applies = primary && (!primary.roles || primary.roles.includes(who));
  for (const size of SIZES) {
    await page.setViewportSize(size);
    if (applies) {
      await expect(
        page.getByTestId(primary.testId).first(),
        `${who} · ${v.name}: the primary action at ${size.width}×${size.height}`,
      ).toBeInViewport();
    }
    await page.screenshot({ path: `test-results/screens/pages/${slug(who)}-${slug(v.name)}-${size.width}x${size.height}.png` });
  }
  await page.setViewportSize(SIZES[0]!);
}

async function scanPlan(page: Page, who: Role | 'signed out', plan: Visit[], ctx: Ctx) {
  for (const v of plan) {
    await test.step(`${v.name}`, async () => {
      await page.goto(v.url(ctx));
      await settle(page, v.ready(page));
      await scan(page, who, v.name);
      await layout(page, who, v);
      for (const state of (v.states ?? []).filter((s) => !s.only || (who !== 'signed out' && s.only.includes(who)))) {
        await state.open(page);
        await settle(page, page.locator('body'));
        await scan(page, who, `${v.name}, ${state.name}`);
        await state.close?.(page);
      }
    });
  }
}

async function apiHeaders(request: APIRequestContext, user: { email: string; password: string }) {
  const res = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(res.status()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

/** A funded trader with one resting LIMIT order (far under the market), so blotters and the modify dialog have a row. */
async function traderWithOrder(request: APIRequestContext) {
  const trader = await registerUser(request, 'a11y-trader');
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-A11Y');
  await setPaperBalance(request, trader, '500000.00');
  const headers = await apiHeaders(request, trader);
  let ltp = 0;
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/v1/market/quotes?symbols=RELIANCE', { headers });
        ltp = res.ok() ? Number(((await res.json()) as { items: { ltp: string }[] }).items[0]?.ltp ?? 0) : 0;
        return ltp;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  // 7 % under the market: inside the 10 % price band, far enough not to fill while the test runs.
  const pricePaise = Math.floor((Math.round(ltp * 100) * 0.93) / 5) * 5;
  const res = await request.post('/api/v1/orders', {
    data: { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', quantity: 1, price: (pricePaise / 100).toFixed(2), product: 'CNC' },
    headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
  });
  expect(res.status(), await res.text()).toBe(202);
  return trader;
}

async function firstModelId(request: APIRequestContext) {
  const res = await request.get('/api/v1/models', { headers: await apiHeaders(request, ADMIN) });
  expect(res.status()).toBe(200);
  const items = ((await res.json()) as { items: { id: string }[] }).items;
  expect(items.length, 'the seeded demo model').toBeGreaterThan(0);
  return items[0]!.id;
}

test.describe('accessibility', () => {
  // A missing control fails in seconds, not at the test's timeout.
  test.use({ actionTimeout: 15_000 });
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('signed out: sign in, register and the first sign-in with a temporary password', async ({ page, request }) => {
    const ctx = { traderId: '', modelId: '' };
    await scanPlan(page, 'signed out', PUBLIC, ctx);
    await test.step('Sign in, wrong credentials', async () => {
      await page.goto('/login');
      await page.getByTestId('login-email').fill('nobody@e2e.test');
      await page.getByTestId('login-password').fill('wrong-password-1');
      await page.getByTestId('login-submit').click();
      await settle(page, page.getByTestId('login-error'));
      await scan(page, 'signed out', 'Sign in, wrong credentials');
    });
    await test.step('Choose a password (temporary password issued by an admin)', async () => {
      const res = await request.post('/api/v1/admin/users', {
        data: { email: `a11y-temp-${Date.now().toString(36)}@e2e.test`, displayName: 'E2E a11y temp', roles: ['trader'] },
        headers: await apiHeaders(request, ADMIN),
      });
      expect(res.status(), await res.text()).toBe(201);
      const body = (await res.json()) as { user: { email: string }; temporaryPassword: string };
      await page.goto('/login');
      await page.getByTestId('login-email').fill(body.user.email);
      await page.getByTestId('login-password').fill(body.temporaryPassword);
      await page.getByTestId('login-submit').click();
      await settle(page, page.getByTestId('choose-password'));
      await scan(page, 'temporary password', 'Choose a password');
    });
  });

  test('trader: every page they can open', async ({ page, request }) => {
    // The Trade page's scans take seconds each (a large, live DOM).
    test.setTimeout(360_000);
    const trader = await traderWithOrder(request);
    await logIn(page, trader);
    await scanPlan(page, 'trader', PLANS.trader, { traderId: trader.id, modelId: '' });
  });

  test('quant: every page they can open', async ({ page, request }) => {
    test.setTimeout(180_000);
    const quant = await registerUser(request, 'a11y-quant');
    await grantRoles(request, quant.id, ['quant']);
    const ctx = { traderId: '', modelId: await firstModelId(request) };
    await logIn(page, quant);
    await scanPlan(page, 'quant', PLANS.quant, ctx);
  });

  test('compliance: every page they can open', async ({ page, request }) => {
    test.setTimeout(180_000);
    const officer = await registerUser(request, 'a11y-compliance');
    await grantRoles(request, officer.id, ['compliance']);
    await logIn(page, officer);
    await scanPlan(page, 'compliance', PLANS.compliance, { traderId: '', modelId: '' });
  });

  test('admin: every page', async ({ page, request }) => {
    test.setTimeout(480_000);
    const trader = await traderWithOrder(request);
    const ctx = { traderId: trader.id, modelId: await firstModelId(request) };
    await logIn(page, ADMIN);
    await scanPlan(page, 'admin', PLANS.admin, ctx);
  });
});
