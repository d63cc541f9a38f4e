import { priceTicks } from '../../../lib/price';

/**
 * In the money: a call below the spot, a put above it (at the spot neither). Null without a spot.
 */
export function moneyness(strike: string, spot: string | null | undefined): { callItm: boolean; putItm: boolean } | null {
  const k = priceTicks(strike);
  const s = priceTicks(spot);
  if (k === null || s === null) return null;
  return { callItm: k < s, putItm: k > s };
}

/** Open interest as traders read it: 12,34,500 → "12.35 L", 1,23,45,000 → "1.23 Cr", below a lakh in full. */
export function formatOi(units: number | null | undefined): string {
  if (units === null || units === undefined) return '—';
  if (units >= 10_000_000) return `${(units / 10_000_000).toFixed(2)} Cr`;
  if (units >= 100_000) return `${(units / 100_000).toFixed(2)} L`;
  return units.toLocaleString('en-IN');
}

/** The Trade page with the ticket open on `symbol` and `side` (the chain's one-click buy / sell). */
export const ticketLink = (symbol: string, side: 'BUY' | 'SELL'): string =>
  `/trade?${new URLSearchParams({ symbol, ticket: side }).toString()}`;
