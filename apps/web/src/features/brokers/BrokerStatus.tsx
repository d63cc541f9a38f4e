import type { BrokerAccount } from '@tradeloop/contracts';
import { STATUS_VIEW } from './broker-account-view';

/** An account's status: a coloured dot and its words (never colour alone); the reason beside an error. */
export function BrokerStatus({
  account,
  withReason = false,
}: {
  account: Pick<BrokerAccount, 'status' | 'statusReason'>;
  withReason?: boolean;
}) {
  const view = STATUS_VIEW[account.status];
  return (
    <span className="broker-status-wrap">
      <span className={`status broker-status broker-status-${view.tone}`} data-testid="broker-account-status" data-status={account.status}>
        {view.label}
      </span>
      {withReason && account.statusReason && (
        <span className="broker-status-reason muted" data-testid="broker-account-status-reason">
          {account.statusReason}
        </span>
      )}
    </span>
  );
}

/** The masked credentials the server shows back ("API key ••••1234"): never the secret itself. */
export function MaskedCredentials({ credentials, labels }: { credentials: Record<string, string>; labels: Record<string, string> }) {
  const entries = Object.entries(credentials);
  if (entries.length === 0) return <span className="muted">None (paper trading)</span>;
  return (
    <span className="kv-list" data-testid="broker-account-credentials">
      {entries.map(([field, masked]) => (
        <span key={field}>
          <span className="kv-key">{labels[field] ?? field}</span> <span className="kv-value">{masked}</span>
        </span>
      ))}
    </span>
  );
}
