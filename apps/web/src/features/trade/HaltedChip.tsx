import { useTradingHalt } from './KillSwitchBanner';
import { haltHeadline } from './trading-halt';

/** In the top bar, beside the connection state: trading is halted (a kill switch). Test id: topbar-halted (data-scope). */
export function HaltedChip() {
  const halt = useTradingHalt();
  if (!halt) return null;
  return (
    <span className="chip chip-negative topbar-halted" data-testid="topbar-halted" data-scope={halt.scope} title={haltHeadline(halt)}>
      Halted
    </span>
  );
}
