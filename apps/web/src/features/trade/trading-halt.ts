/*
 * Whether the signed-in trader may open new exposure (docs/api.md "Risk": kill switches). Pure.
 * A halt is the caller's own switch, the platform's global one, or both; either refuses new
 * orders server-side, while orders that only reduce a position (square-off, exits) still go.
 */
import type { KillSwitchStatus } from '@tradeloop/contracts';

export interface TradingHalt {
  /** Whose switch: the trader's own, the platform's, or both. */
  scope: 'self' | 'global' | 'both';
  /** The reasons given, the global one first. */
  reasons: string[];
}

export function tradingHalt(status: KillSwitchStatus | undefined): TradingHalt | null {
  if (!status) return null;
  const { global, self } = status;
  if (!global.engaged && !self.engaged) return null;
  const scope = global.engaged && self.engaged ? 'both' : global.engaged ? 'global' : 'self';
  const reasons = [global.engaged ? global.reason : null, self.engaged ? self.reason : null].filter(
    (r): r is string => typeof r === 'string' && r.trim() !== '',
  );
  return { scope, reasons };
}

/** One sentence a trader reads: who halted trading and why. */
export function haltHeadline(h: TradingHalt): string {
  const who =
    h.scope === 'self'
      ? 'Your kill switch is engaged'
      : h.scope === 'global'
        ? 'Trading is halted for everyone'
        : 'Trading is halted for everyone, and your kill switch is engaged';
  return h.reasons.length > 0 ? `${who}: ${h.reasons.join('; ')}` : who;
}

/** What still works under a halt. */
export const HALT_STILL_ALLOWED = 'New orders are refused; square-off and exits that reduce a position still go.';
