import { expect, test, type Locator, type Page } from '@playwright/test';
import { formatPrice, parsePrice } from '@tradeloop/domain';
import { fundUser, logIn, registerUser, setPaperBalance, shot } from './support/fixtures';

/** Distinct successive values of an attribute seen while polling for `withinMs`, or until `enough` changes. */
async function watchAttribute(locator: Locator, name: string, opts: { withinMs: number; enough: number }): Promise<string[]> {
  const values: string[] = [];
  const deadline = Date.now() + opts.withinMs;
  while (Date.now() < deadline && values.length <= opts.enough) {
    const value = (await locator.getAttribute(name)) ?? '';
    if (value && value !== values.at(-1)) values.push(value);
    await locator.page().waitForTimeout(50);
  }
  return values;
}

/** Places the ticket's order and returns the new order's id. */
async function submitTicket(page: Page): Promise<string> {
  const placedBefore = page.getByTestId('ticket-placed');
  const before = (await placedBefore.count()) > 0 ? await placedBefore.getAttribute('data-order-id') : null;
  // A double click must place one order: the submission's Idempotency-Key is fixed.
  await page.getByTestId('ticket-submit').dblclick();
  const placed = page.getByTestId('ticket-placed');
  await expect(placed).toHaveAttribute('data-order-id', /.+/);
  if (before) await expect(placed).not.toHaveAttribute('data-order-id', before);
  return (await placed.getAttribute('data-order-id'))!;
}

test('a funded trader buys at market, sees the fill and live P&L, modifies and cancels a far limit, and is stopped by the kill switch', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const trader = await registerUser(request, 'orders');
  await fundUser(request, trader.id, '500000.00', 'NEFT-E2E-ORDERS');
  // The ticket trades the default account, paper: its own book of virtual money holds and settles the orders.
  await setPaperBalance(request, trader, '500000.00');

  await logIn(page, trader);
  await page.goto('/trade?symbol=RELIANCE');
  await expect(page.getByTestId('trade-paper-available')).toHaveText('₹5,00,000.00');
  await expect(page.getByTestId('trade-paper-held')).toHaveText('₹0.00');

  // B opens the ticket as a buy for the charted instrument; Esc closes it; S as a sell.
  await page
    .getByTestId('price-chart')
    .click({ position: { x: 5, y: 5 } })
    .catch(() => undefined);
  await page.keyboard.press('b');
  const ticket = page.getByTestId('order-ticket');
  await expect(ticket).toHaveAttribute('data-side', 'BUY');
  await expect(ticket).toHaveAttribute('data-symbol', 'RELIANCE');
  await page.keyboard.press('Escape');
  await expect(ticket).toHaveCount(0);
  await page.keyboard.press('s');
  await expect(ticket).toHaveAttribute('data-side', 'SELL');
  await page.getByTestId('ticket-side-buy').click();
  await expect(ticket).toHaveAttribute('data-side', 'BUY');

  // 1 lot at market: units shown, an estimate of hold and fees before submitting.
  await expect(ticket).toHaveAttribute('data-lot-size', '1');
  await page.getByTestId('ticket-type-MARKET').click();
  await page.getByTestId('ticket-quantity').fill('1');
  await expect(page.getByTestId('ticket-units')).toHaveAttribute('data-units', '1');
  await page.getByTestId('ticket-product-CNC').click();
  const estimate = page.getByTestId('ticket-estimate');
  await expect(estimate).toHaveAttribute('data-hold', /^₹[\d,]+\.\d\d$/);
  await expect(estimate).toContainText('Estimate');
  await shot(page, '50-ticket-market-buy');
  // The primary action is in sight without scrolling the panel, at both screen sizes.
  await expect(page.getByTestId('ticket-submit')).toBeInViewport();
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(page.getByTestId('ticket-submit')).toBeInViewport();
  await shot(page, '50b-ticket-market-buy-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  const buyId = await submitTicket(page);
  const buyRow = page.getByTestId(`order-row-${buyId}`);
  await expect(buyRow).toHaveAttribute('data-status', 'FILLED', { timeout: 15_000 });
  await expect(buyRow).toHaveAttribute('data-filled', '1');
  // The ticket's line follows the order: FILLED as the blotter says, not the PENDING it was placed at.
  await expect(page.getByTestId('ticket-placed')).toHaveAttribute('data-status', 'FILLED');
  await expect(page.getByTestId('ticket-placed')).toContainText('· FILLED');
  await expect(page.locator('[data-testid^="order-row-"][data-symbol="RELIANCE"][data-side="BUY"]')).toHaveCount(1);
  await shot(page, '51-blotter-filled');

  // The position, and its unrealized P&L moving with the ticks.
  await page.getByTestId('trading-tab-positions').click();
  const position = page.getByTestId('position-row-RELIANCE');
  await expect(position).toHaveAttribute('data-net', '1');
  const pnl = await watchAttribute(position, 'data-unrealized', { withinMs: 10_000, enough: 1 });
  expect(pnl.length - 1, `unrealized P&L values seen in 10 s: ${pnl.join(', ')}`).toBeGreaterThanOrEqual(1);
  await shot(page, '52-position-live-pnl');
  await page.getByTestId('trading-tab-trades').click();
  await expect(page.locator(`[data-testid^="trade-row-"][data-order-id="${buyId}"]`)).toHaveCount(1);
  await expect(page.getByTestId('trade-paper-held')).toHaveText('₹0.00');

  // A far LIMIT (8 % under the LTP, on the tick): it rests OPEN with a hold; cancelling releases it.
  await page.getByTestId('ticket-type-LIMIT').click();
  await page.getByTestId('trading-tab-positions').click();
  // Prices in integer ticks (₹0.05 = 500 ticks), never floats.
  const ltp = parsePrice((await position.getAttribute('data-ltp'))!);
  expect(ltp).toBeGreaterThan(0);
  const farBidTicks = Math.floor((ltp * 92) / 100 / 500) * 500;
  const farBid = formatPrice(farBidTicks);
  await page.getByTestId('ticket-price').fill(farBid);
  await expect(estimate).toHaveAttribute('data-hold', /^₹[\d,]+\.\d\d$/);
  await page.getByTestId('trading-tab-orders').click();
  const limitId = await submitTicket(page);
  const limitRow = page.getByTestId(`order-row-${limitId}`);
  await expect(limitRow).toHaveAttribute('data-status', 'OPEN', { timeout: 15_000 });
  await expect(page.getByTestId('trade-paper-held')).not.toHaveText('₹0.00');
  await expect(page.getByTestId('trade-paper-held')).toHaveText(
    `₹${Number((await limitRow.getAttribute('data-reserved'))!).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
  );
  await shot(page, '53-limit-open-held');
  // Modify it: one more unit, ₹1 lower. The row takes the new terms once the broker confirms; the hold follows.
  const reservedBefore = (await limitRow.getAttribute('data-reserved'))!;
  await page.getByTestId(`order-modify-${limitId}`).click();
  // RELIANCE trades in lots of 1, so its lots are its units. Zero lots is refused before sending, in words.
  const units = Number(await page.getByTestId('order-modify-quantity').inputValue());
  await page.getByTestId('order-modify-quantity').fill('0');
  await expect(page.getByTestId('order-modify-quantity-error')).toHaveText('Enter a whole number of lots, at least 1');
  await expect(page.getByTestId('order-modify-confirm')).toBeDisabled();
  await page.getByTestId('order-modify-quantity').fill(String(units + 1));
  await expect(page.getByTestId('order-modify-quantity-error')).toHaveCount(0);
  await page.getByTestId('order-modify-price').fill(formatPrice(farBidTicks - 10_000));
  await shot(page, '53b-limit-modify');
  await page.getByTestId('order-modify-confirm').click();
  await expect(limitRow).toContainText(`0 / ${units + 1}`, { timeout: 15_000 });
  await expect(limitRow).not.toHaveAttribute('data-reserved', reservedBefore);
  await expect(page.getByTestId('trade-paper-held')).toHaveText(
    `₹${Number((await limitRow.getAttribute('data-reserved'))!).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
  );
  await shot(page, '53c-limit-modified');
  await page.getByTestId(`order-cancel-${limitId}`).click();
  await page.getByTestId('order-cancel-confirm').click();
  await expect(limitRow).toHaveAttribute('data-status', 'CANCELLED', { timeout: 15_000 });
  await expect(page.getByTestId('ticket-placed')).toHaveAttribute('data-status', 'CANCELLED');
  await expect(page.getByTestId(`order-cancel-${limitId}`)).toHaveCount(0);
  await expect(page.getByTestId('trade-paper-held')).toHaveText('₹0.00');
  await shot(page, '54-limit-cancelled-released');

  // A refusal says why in the trader's words: with the one unit held already offered by a resting
  // SELL, squaring off is refused, and the dialog shows the server's reason, not "Invalid order".
  await page.getByTestId('ticket-side-sell').click();
  const farAsk = formatPrice(Math.ceil((ltp * 108) / 100 / 500) * 500);
  await page.getByTestId('ticket-price').fill(farAsk);
  await page.getByTestId('trading-tab-orders').click();
  const sellId = await submitTicket(page);
  await expect(page.getByTestId(`order-row-${sellId}`)).toHaveAttribute('data-status', 'OPEN', { timeout: 15_000 });
  await page.getByTestId('trading-tab-positions').click();
  await page.getByTestId('position-squareoff-RELIANCE').click();
  await page.getByTestId('position-squareoff-confirm').click();
  const squareOffError = page.getByTestId('position-squareoff-error');
  await expect(squareOffError).toContainText('CNC cannot sell short');
  await expect(squareOffError).not.toHaveText(/^Invalid order\.?$/);
  await shot(page, '54b-squareoff-refused-reason');
  await page.keyboard.press('Escape');
  await page.getByTestId('trading-tab-orders').click();
  await page.getByTestId(`order-cancel-${sellId}`).click();
  await page.getByTestId('order-cancel-confirm').click();
  await expect(page.getByTestId(`order-row-${sellId}`)).toHaveAttribute('data-status', 'CANCELLED', { timeout: 15_000 });
  await page.getByTestId('ticket-side-buy').click();

  // The kill switch: confirm with a reason, see it engaged, and the next order refused, naming it.
  await page.getByTestId('trading-tab-risk').click();
  await expect(page.getByTestId('kill-switch-state')).toHaveAttribute('data-engaged', 'false');
  await page.getByTestId('kill-switch-button').click();
  await expect(page.getByTestId('kill-switch-confirm')).toBeDisabled();
  await page.getByTestId('kill-switch-reason').fill('e2e: stepping away');
  await shot(page, '55-kill-switch-confirm');
  await page.getByTestId('kill-switch-confirm').click();
  await expect(page.getByTestId('kill-switch-state')).toHaveAttribute('data-engaged', 'true');
  await expect(page.getByTestId('kill-switch-state')).toContainText('e2e: stepping away');

  // Halted, and unmissable: a banner across the app and a chip in the top bar say who and why; the
  // ticket cannot submit and says why; square-off (it only reduces) stays available.
  const banner = page.getByTestId('kill-switch-banner');
  await expect(banner).toHaveAttribute('data-scope', 'self');
  await expect(banner).toContainText('Your kill switch is engaged: e2e: stepping away');
  await expect(page.getByTestId('topbar-halted')).toBeVisible();
  await expect(page.getByTestId('ticket-halted')).toContainText('Your kill switch is engaged');
  await expect(page.getByTestId('ticket-submit')).toBeDisabled();
  await expect(page.getByTestId('ticket-submit')).toBeInViewport();
  await page.getByTestId('trading-tab-positions').click();
  await expect(page.getByTestId('position-squareoff-RELIANCE')).toBeEnabled();
  await shot(page, '55b-kill-switch-halted');
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(banner).toBeInViewport();
  await expect(page.getByTestId('ticket-halted')).toBeInViewport();
  await shot(page, '55c-kill-switch-halted-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  // Elsewhere in the app the banner stays.
  await page.goto('/account');
  await expect(banner).toHaveAttribute('data-scope', 'self');
  await page.goto('/trade?symbol=RELIANCE&tab=risk');
  // Global switch events show to everyone (another test may have left some): count the user's own.
  await expect(page.getByTestId('risk-events').locator('[data-kind="SWITCH_ENGAGED"][data-rule="USER_KILL_SWITCH"]')).toHaveCount(1);
  await shot(page, '56-kill-switch-refused');

  // Narrow width: the screen stacks (watchlist, chart, ticket, tabs).
  await page.setViewportSize({ width: 420, height: 900 });
  await page.getByTestId('trading-tab-orders').click();
  await expect(page.getByTestId('orders-blotter')).toBeVisible();
  await shot(page, '57-narrow');
});
