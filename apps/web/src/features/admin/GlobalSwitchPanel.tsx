import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { useSwitches, type SwitchChange } from './risk-admin-api';
import '../trade/risk.css';

/** The platform-wide switch as the server reports it, with the button that changes it. */
export function GlobalSwitchPanel({ onChange }: { onChange: (c: SwitchChange) => void }) {
  const status = useSwitches(null);
  const global = status.data?.global;
  const engaged = global?.engaged === true;
  return (
    <section className={`panel risk-switch${engaged ? ' risk-switch-engaged' : ''}`} aria-label="Platform-wide kill switch">
      {status.isError ? (
        <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <div className="row">
          <div className="risk-switch-state" data-testid="global-kill-switch-state" data-engaged={global ? String(engaged) : ''}>
            <span className={`status ${engaged ? 'status-negative' : 'status-positive'}`}>
              Platform-wide kill switch: {!global ? 'loading…' : engaged ? 'ENGAGED — trading halted for everyone' : 'released'}
            </span>
            {global?.at && (
              <span className="muted">
                {global.reason ?? 'no reason'} · {formatDateTime(global.at)}
              </span>
            )}
          </div>
          <span className="toolbar-spacer" />
          {global &&
            (engaged ? (
              <button
                type="button"
                className="button"
                onClick={() => onChange({ scope: 'global', engaged: false })}
                data-testid="global-kill-switch-release"
              >
                Release global switch
              </button>
            ) : (
              <button
                type="button"
                className="button button-danger"
                onClick={() => onChange({ scope: 'global', engaged: true })}
                data-testid="global-kill-switch-engage"
              >
                Halt all trading
              </button>
            ))}
        </div>
      )}
    </section>
  );
}
