import type { HoldingDto } from '@tradeloop/contracts';
import { toPaise } from '../../lib/money';
import { priceTicks } from '../../lib/price';

/** ticks·units → paise, half away from zero (as the server rounds). */
function toPaiseRounded(v: bigint): bigint {
  const abs = v < 0n ? -v : v;
  const p = (abs + 50n) / 100n;
  return v < 0n ? -p : p;
}

export interface LiveHolding {
  ltp: string | null;
  currentValue: bigint | null;
  pnl: bigint | null;
  dayChange: bigint | null;
}

/**
 * A holding marked to a live price (exact, in paise): current value, P&L against the average and
 * change against the previous close; the server's figures where no live price is known.
 */
export function markHolding(h: HoldingDto, liveLtp: string | undefined): LiveHolding {
  const ltp = priceTicks(liveLtp ?? h.ltp);
  if (ltp === null) {
    return { ltp: null, currentValue: null, pnl: null, dayChange: null };
  }
  const qty = BigInt(h.quantity);
  const value = BigInt(ltp) * qty;
  const avg = BigInt(priceTicks(h.averagePrice)!);
  const prev = priceTicks(h.prevClose);
  return {
    ltp: liveLtp ?? h.ltp,
    currentValue: toPaiseRounded(value),
    pnl: toPaiseRounded(value - avg * qty),
    dayChange: prev === null ? null : toPaiseRounded(value - BigInt(prev) * qty),
  };
}

/** Σ over holdings; a holding without a value adds nothing (as on the server). */
export function totalOf(holdings: readonly HoldingDto[], live: readonly LiveHolding[]) {
  let invested = 0n;
  let current = 0n;
  let pnl = 0n;
  let day = 0n;
  holdings.forEach((h, i) => {
    invested += toPaise(h.invested);
    current += live[i]!.currentValue ?? 0n;
    pnl += live[i]!.pnl ?? 0n;
    day += live[i]!.dayChange ?? 0n;
  });
  return { invested, current, pnl, day };
}

/** A change as a percentage of a base, two decimals with its sign ("+1.25%"); "—" on a zero base. */
export function percentOf(change: bigint | null, base: bigint): string {
  if (change === null || base === 0n) return '—';
  const bp = (change * 10_000n) / base; // basis points, truncated toward zero
  const sign = change > 0n ? '+' : change < 0n ? '-' : '';
  const abs = bp < 0n ? -bp : bp;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}%`;
}
