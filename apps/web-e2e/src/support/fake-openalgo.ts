import { expect, test, type APIRequestContext } from '@playwright/test';

/** The stack's fake OpenAlgo, through the control port of start-stack.mjs (the app's port + 2). */
function control(): string {
  const app = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1:3417');
  return `http://127.0.0.1:${Number(app.port) + 2}/openalgo`;
}

/** The host URL and API key of the fake OpenAlgo installation (analyzer mode on). */
export async function fakeOpenAlgo(request: APIRequestContext): Promise<{ host: string; apiKey: string }> {
  const res = await request.get(control());
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { host: string; apiKey: string };
}

/** The fake's order book (its own records: `orderid`, `status`, `filled`…). */
export async function fakeOpenAlgoOrders(request: APIRequestContext): Promise<{ orderid: string; status: string; filled: number }[]> {
  const res = await request.get(`${control()}/orders`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: { orderid: string; status: string; filled: number }[] }).items;
}

/** Sets the fake's quote (prices in ticks, 1/10000 rupee); its book matches against it. */
export async function setFakeOpenAlgoQuote(
  request: APIRequestContext,
  quote: { exchange: string; symbol: string; ltp: number; bid: number; ask: number },
) {
  const res = await request.post(`${control()}/quote`, { data: quote });
  expect(res.status(), await res.text()).toBe(200);
}
