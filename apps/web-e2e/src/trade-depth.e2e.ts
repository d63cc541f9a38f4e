import { expect, test, type Page } from '@playwright/test';
import { logIn, registerUser, shot } from './support/fixtures';

/** The best prices of the depth panel, as integers of 1e-4 (no floats near a price). */
const ticksOf = (price: string | null) => {
  const [r, f = ''] = (price ?? '').split('.');
  return Number(r) * 10_000 + Number(f.padEnd(4, '0'));
};

/** The panel's book read in one go (it changes under a live feed): prices as integers of 1e-4. */
async function bookOf(page: Page) {
  const raw = await page.getByTestId('depth-panel').evaluate((panel) => {
    const read = (side: string) =>
      Array.from({ length: 5 }, (_, k) => {
        const row = panel.querySelector<HTMLElement>(`[data-testid="depth-${side}-${k}"]`);
        return { price: row?.dataset.price ?? null, quantity: Number(row?.dataset.quantity), orders: Number(row?.dataset.orders) };
      });
    return { bids: read('bid'), asks: read('ask') };
  });
  const conv = (levels: typeof raw.bids) => levels.map((l) => ({ ...l, price: ticksOf(l.price) }));
  return { bids: conv(raw.bids), asks: conv(raw.asks) };
}

test('the Trade page shows the charted instrument’s 5-level book, live, and the ticket’s submit stays in sight at 1440×900 and 1024×768', async ({
  page,
  request,
}) => {
  const trader = await registerUser(request, 'depth');
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page, trader);
  await page.getByTestId('nav-trade').click();
  await page.getByTestId('watchlist-search').fill('RELIANCE');
  await page.getByTestId('watchlist-search').press('Enter');
  await expect(page.getByTestId('watchlist-row-RELIANCE')).toBeVisible();
  // The row's symbol, not its middle: a selected row grows its quick-trade strip, whose blank space does not chart.
  await page.getByTestId('watchlist-row-RELIANCE').locator('.wl-symbol').click();

  const panel = page.getByTestId('depth-panel');
  await expect(panel).toHaveAttribute('data-symbol', 'RELIANCE');
  await expect(panel).toHaveAttribute('data-state', 'ready');
  await expect(panel).toHaveAttribute('data-live', 'live');

  // Five levels a side: bids falling, asks rising, the best bid under the best ask, every level sized.
  const book = await bookOf(page);
  const bids = book.bids.map((l) => l.price);
  const asks = book.asks.map((l) => l.price);
  expect(bids).toEqual([...bids].sort((a, b) => b - a));
  expect(asks).toEqual([...asks].sort((a, b) => a - b));
  expect(bids[0]!).toBeLessThan(asks[0]!);
  for (const l of [...book.bids, ...book.asks]) {
    expect(l.quantity).toBeGreaterThan(0);
    expect(l.orders).toBeGreaterThanOrEqual(1);
  }
  const total = book.bids.reduce((s, l) => s + l.quantity, 0);
  await expect(page.getByTestId('depth-total-bid')).toHaveAttribute('data-total', /^\d+$/);
  expect(Number(await page.getByTestId('depth-total-bid').getAttribute('data-total'))).toBeGreaterThan(0);
  expect(total).toBeGreaterThan(0);

  // Live: the book's time moves on at least twice within 5 s (events, not the first REST read).
  const seen: string[] = [];
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && seen.length < 3) {
    const ts = (await panel.getAttribute('data-ts')) ?? '';
    if (ts && ts !== seen.at(-1)) seen.push(ts);
    await page.waitForTimeout(40);
  }
  expect(seen.length, `book times seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);

  // With the ticket open, the book and the ticket's submit are both in sight without scrolling a panel.
  await page.getByTestId('ticket-open-buy').click();
  await expect(page.getByTestId('order-ticket')).toBeVisible();

  // The touch: the selected watchlist row shows bid, ask and spread; the ticket shows both, and a
  // click on the ask turns the MARKET buy into a LIMIT at that price (read back as ticks, no floats).
  const row = page.getByTestId('watchlist-row-RELIANCE');
  await expect(page.getByTestId('watchlist-touch-RELIANCE')).toContainText(/Bid [\d,]+\.\d{2}\s*Ask [\d,]+\.\d{2}\s*spread \d+\.\d{2}/);
  const touch = await row.evaluate((el) => [el.getAttribute('data-bid'), el.getAttribute('data-ask')]);
  expect(ticksOf(touch[0]!)).toBeLessThan(ticksOf(touch[1]!));
  await expect(page.getByTestId('ticket-bid')).toHaveAttribute('data-price', /^\d+\.\d{2,4}$/);
  await expect(page.getByTestId('ticket-type-MARKET')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('ticket-ask').click();
  await expect(page.getByTestId('ticket-type-LIMIT')).toHaveAttribute('aria-pressed', 'true');
  const taken = ticksOf(await page.getByTestId('ticket-price').inputValue());
  const askNow = ticksOf(await page.getByTestId('ticket-ask').getAttribute('data-price'));
  // The ask it took, or the one a tick moved it to since: within 1 % either way.
  expect(Math.abs(taken - askNow)).toBeLessThan(askNow / 100);
  await page.getByTestId('ticket-type-MARKET').click();
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await expect(page.getByTestId('ticket-submit')).toBeInViewport({ ratio: 1 });
    await expect(panel).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('depth-ask-4')).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('price-chart')).toBeInViewport();
    // Symbols read in full in the narrow list too ("BANKNIFTY", not "BAN…"): nothing cut off.
    for (const symbol of ['NIFTY', 'BANKNIFTY', 'RELIANCE', 'ICICIBANK']) {
      const cell = page.getByTestId(`watchlist-row-${symbol}`).locator('.wl-symbol');
      expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth), `${symbol} at ${size.width}px`).toBe(true);
    }
    await page.screenshot({ path: `test-results/screens/45-depth-${size.width}x${size.height}.png` });
  }
  await shot(page, '46-depth-full');

  // An index has no book: the panel says so instead of showing empty levels.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('watchlist-search').fill('NIFTY');
  await page.getByTestId('watchlist-search-result-NIFTY').click();
  await page.getByTestId('watchlist-row-NIFTY').locator('.wl-symbol').click();
  await expect(panel).toHaveAttribute('data-symbol', 'NIFTY');
  await expect(panel).toHaveAttribute('data-state', 'none');
});
