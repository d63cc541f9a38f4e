import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { describeError } from '../../lib/api';
import { useSetSwitch, type SwitchChange } from './risk-admin-api';

function titleOf(c: SwitchChange): string {
  if (c.scope === 'global') return c.engaged ? 'Halt trading for everyone?' : 'Release the global kill switch?';
  return `${c.engaged ? 'Engage' : 'Release'} ${c.label ?? 'this user'}'s kill switch?`;
}

/** The confirmation every switch change goes through: it says what happens and asks for a reason (audited). */
export function KillSwitchDialog({ change, onClose }: { change: SwitchChange | null; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const mutation = useSetSwitch();
  const close = () => {
    mutation.reset();
    setReason('');
    onClose();
  };
  return (
    <Dialog open={change !== null} title={change ? titleOf(change) : ''} onClose={close} testId="admin-kill-switch-dialog">
      {change && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() && !mutation.isPending) mutation.mutate({ ...change, reason: reason.trim() }, { onSuccess: close });
          }}
        >
          <p>
            {change.engaged
              ? `${change.scope === 'global' ? 'Every user’s' : 'Their'} open orders are cancelled and every order that adds exposure is refused (423) until the switch is released. Orders that reduce a position still go through.`
              : 'New orders are accepted again; every other limit still applies.'}
          </p>
          <label className="field">
            <span className="label">Reason (recorded in the audit log)</span>
            <input
              className="input"
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
              data-testid="admin-kill-switch-reason"
            />
          </label>
          {mutation.isError && (
            <div className="notice notice-error" role="alert" data-testid="admin-kill-switch-error">
              {describeError(mutation.error)}
            </div>
          )}
          <div className="dialog-footer">
            <button type="button" className="button button-ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${change.engaged ? 'button-danger' : 'button-primary'}`}
              disabled={!reason.trim() || mutation.isPending}
              data-testid="admin-kill-switch-confirm"
            >
              {mutation.isPending ? 'Saving…' : change.engaged ? 'Engage' : 'Release'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
