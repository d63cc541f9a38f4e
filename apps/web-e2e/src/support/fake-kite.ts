import { expect, test, type APIRequestContext } from '@playwright/test';

/** The control port of the stack's fake Kite (start-stack.mjs): the app's port + 2. */
function control(): string {
  const app = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1:3417');
  return `http://127.0.0.1:${Number(app.port) + 2}/kite`;
}

/** The API key and secret of the Kite Connect app the fake plays. */
export async function fakeKiteApp(request: APIRequestContext): Promise<{ apiKey: string; apiSecret: string }> {
  const res = await request.get(control());
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { apiKey: string; apiSecret: string };
}

/** Sets the fake's quote of an instrument (prices in ticks, 1/10000 rupee); its book matches against it. */
export async function setFakeKiteQuote(
  request: APIRequestContext,
  quote: { exchange: string; tradingsymbol: string; ltp: number; bid: number; ask: number },
) {
  const res = await request.post(`${control()}/quote`, { data: quote });
  expect(res.status(), await res.text()).toBe(200);
}

/** Ends Kite's day at the fake (FakeKite.rollDay): today's CNC buys become T1 holdings, the positions and order book start empty. */
export async function rollFakeKiteDay(request: APIRequestContext) {
  const res = await request.post(`${control()}/roll-day`);
  expect(res.status(), await res.text()).toBe(200);
}

/** Replaces the fake's delivery holdings whole (FakeKite.setHoldings), as shares moved in or out outside the platform would. */
export async function setFakeKiteHoldings(
  request: APIRequestContext,
  holdings: { tradingsymbol: string; exchange: string; isin: string; quantity: number; t1Quantity?: number; averagePrice: number }[],
) {
  const res = await request.post(`${control()}/holdings`, { data: { holdings } });
  expect(res.status(), await res.text()).toBe(200);
}
