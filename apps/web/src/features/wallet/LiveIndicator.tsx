import { useRealtime } from '../../lib/RealtimeProvider';
import { formatClock, zoneLabel } from '../../lib/format';

const TEXT = {
  online: 'Live — balances update as money moves',
  connecting: 'Connecting to live updates…',
  offline: 'Live updates paused — figures may be stale',
} as const;

/** Says whether the figures on screen follow the ledger in real time, and when they last changed. */
export function LiveIndicator({ updatedAt }: { updatedAt: number }) {
  const { state } = useRealtime();
  return (
    <span className={`live-indicator live-${state}`} data-testid="wallet-live" data-state={state} role="status">
      <span className="live-dot" aria-hidden="true" />
      <span>{TEXT[state]}</span>
      {updatedAt > 0 && (
        <span className="muted mono">
          · as of {formatClock(updatedAt)} {zoneLabel()}
        </span>
      )}
    </span>
  );
}
