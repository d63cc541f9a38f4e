import { useRealtime } from '../lib/RealtimeProvider';

const LABELS = { online: 'Live', connecting: 'Connecting', offline: 'Offline' } as const;
const DESCRIPTIONS = {
  online: 'Realtime updates are connected',
  connecting: 'Connecting to realtime updates…',
  offline: 'Realtime updates are disconnected and retrying; data may be stale',
} as const;

export function ConnectionIndicator() {
  const { state } = useRealtime();
  return (
    <span
      className={`connection connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      title={DESCRIPTIONS[state]}
    >
      <span className="connection-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
