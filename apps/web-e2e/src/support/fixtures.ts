import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/** Registers a user through the public API, as a person would have. */
export async function registerUser(request: APIRequestContext, label: string) {
  const email = `${label}-${Date.now().toString(36)}@e2e.test`;
  const password = `${label}-password-123`;
  const res = await request.post('/api/v1/auth/register', { data: { email, password, displayName: `E2E ${label}` } });
  expect(res.status()).toBe(201);
  return { email, password, id: (await res.json()).user.id as string };
}

export async function logIn(page: Page, user: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
}

export async function logOut(page: Page) {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-email')).toBeVisible();
}

export const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });

/** Deposits `amount` (e.g. "500000.00") into a user's wallet through the admin funding API. */
export async function fundUser(request: APIRequestContext, userId: string, amount: string, reference: string) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await request.post(`/api/v1/admin/wallets/${userId}/deposits`, {
    data: { amount, reference },
    headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': crypto.randomUUID() },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
}

/** Sets a user's roles through the admin API (PATCH /admin/users/:id), as an admin would. */
export async function grantRoles(request: APIRequestContext, userId: string, roles: string[]) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await request.patch(`/api/v1/admin/users/${userId}`, {
    data: { roles },
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** Sets a user's paper account balance (virtual money; paper orders hold and settle against it) through the API, as the user would. */
export async function setPaperBalance(request: APIRequestContext, user: { email: string; password: string }, amount: string) {
  const login = await request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(login.status()).toBe(200);
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const list = (await (await request.get('/api/v1/broker-accounts', { headers })).json()) as { items: { id: string; kind: string }[] };
  const paper = list.items.find((a) => a.kind === 'paper');
  expect(paper, 'every user has a paper account').toBeDefined();
  const res = await request.post(`/api/v1/broker-accounts/${paper!.id}/paper-balance`, { data: { amount }, headers });
  expect(res.status(), await res.text()).toBe(200);
}
