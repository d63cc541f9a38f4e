import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { parsePrice } from '@tradeloop/domain';

// Steps the live-broker specs (broker-accounts.e2e.ts, openalgo-account.e2e.ts) share.

/**
 * Logs the trader in over the API and waits for our own RELIANCE quote: its LTP (ticks), so a
 * fake broker's book can quote at it and a market order holds enough for its fill.
 */
export async function relianceLtp(
  request: APIRequestContext,
  trader: { email: string; password: string },
): Promise<{ ltp: number; accessToken: string }> {
  const session = await request.post('/api/v1/auth/login', { data: { email: trader.email, password: trader.password } });
  const { accessToken } = (await session.json()) as { accessToken: string };
  let ltp = 0;
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/v1/market/quotes?symbols=RELIANCE', { headers: { authorization: `Bearer ${accessToken}` } });
        const quote = ((await res.json()) as { items?: { ltp: string }[] }).items?.[0];
        ltp = quote ? parsePrice(quote.ltp) : 0;
        return ltp;
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThan(0);
  return { ltp, accessToken };
}

/**
 * From the trade page's ticket, a 1-lot RELIANCE market buy on the live account `account`
 * (shown as "`account` (`broker`)"), after the ticket shows the cash available at the broker;
 * waits until the order is FILLED (1) on that account. Returns the ticket, its submit button,
 * its "Placed" status and the order id.
 */
export async function marketBuyFromTicket(page: Page, account: string, broker: string) {
  await page.goto('/trade?symbol=RELIANCE');
  await page.getByTestId('ticket-open-buy').click();
  const ticket = page.getByTestId('order-ticket');
  await ticket.getByLabel('Account').selectOption({ label: `${account} (${broker})` });
  await expect(
    ticket.getByText(new RegExp(`^Available at ${broker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ₹[\\d,]+\\.\\d\\d$`)),
  ).toBeVisible();
  await ticket.getByTestId('ticket-type-MARKET').click();
  await ticket.getByLabel('Quantity (lots)').fill('1');
  const submit = ticket.getByRole('button', { name: /^Buy .*RELIANCE$/ });
  await submit.click();
  const placed = ticket.getByRole('status').filter({ hasText: 'Placed' });
  await expect(placed).toHaveAttribute('data-order-id', /.+/);
  const orderId = (await placed.getAttribute('data-order-id'))!;
  const row = page.getByTestId(`order-row-${orderId}`);
  await expect(row).toHaveAttribute('data-status', 'FILLED', { timeout: 20_000 });
  await expect(row).toHaveAttribute('data-filled', '1');
  await expect(page.getByTestId(`order-account-${orderId}`)).toHaveText(account);
  return { ticket, submit, placed, orderId };
}
