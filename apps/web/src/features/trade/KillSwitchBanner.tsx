import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { useCurrentUser } from '../../lib/auth';
import { useRealtimeEvent } from '../../lib/RealtimeProvider';
import { killSwitchQueryKey, useKillSwitch } from './orders-api';
import { HALT_STILL_ALLOWED, haltHeadline, tradingHalt } from './trading-halt';

/** The kill switches of a trader, kept current app-wide by `risk.killswitch` (the banner and the ticket read it). */
export function useTradingHalt() {
  const me = useCurrentUser();
  const trader = me.data?.roles.includes('trader') ?? false;
  const queryClient = useQueryClient();
  const onSwitch = useCallback(() => void queryClient.invalidateQueries({ queryKey: killSwitchQueryKey }), [queryClient]);
  useRealtimeEvent(REALTIME_EVENTS.killSwitch, onSwitch);
  const status = useKillSwitch(trader);
  return trader ? tradingHalt(status.data) : null;
}

/**
 * App-wide, under the top bar, for a trader whose trading is halted (their own kill switch or
 * the global one): who halted it and why, and what still works. It cannot be dismissed: it goes
 * when the switch is released.
 *
 * Test ids: kill-switch-banner (data-scope)
 */
export function KillSwitchBanner() {
  const halt = useTradingHalt();
  if (!halt) return null;
  return (
    <section
      className="app-banner app-banner-halt"
      role="alert"
      aria-label="Trading halted"
      data-testid="kill-switch-banner"
      data-scope={halt.scope}
    >
      <span className="app-banner-icon" aria-hidden="true">
        ■
      </span>
      <p className="app-banner-text" title={`${haltHeadline(halt)}. ${HALT_STILL_ALLOWED}`}>
        <strong>Trading halted.</strong> {haltHeadline(halt)}. {HALT_STILL_ALLOWED}
      </p>
      <Link className="app-banner-link" to="/trade?tab=risk">
        Risk
      </Link>
    </section>
  );
}
