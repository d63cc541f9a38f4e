import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useSetSwitch, type SwitchChange } from './risk-admin-api';

function titleOf(c: SwitchChange): string {
  if (c.scope === 'global') return c.engaged ? 'Halt trading for everyone?' : 'Release the global kill switch?';
  return `${c.engaged ? 'Engage' : 'Release'} ${c.label ?? 'this user'}'s kill switch?`;
}

/** The confirmation every switch change goes through: it says what happens and asks for a reason (audited). */
export function KillSwitchDialog({ change, onClose }: { change: SwitchChange | null; onClose: () => void }) {
  const mutation = useSetSwitch();
  // Engaging only: also square off the covered open positions (MARKET orders, by the worker).
  const [squareOff, setSquareOff] = useState(false);
  const close = () => {
    mutation.reset();
    setSquareOff(false);
    onClose();
  };
  return (
    <ConfirmDialog
      open={change !== null}
      title={change ? titleOf(change) : ''}
      onClose={close}
      testId="admin-kill-switch-dialog"
      reason={{ label: 'Reason (recorded in the audit log)', required: true, testId: 'admin-kill-switch-reason' }}
      onConfirm={(reason) => change && mutation.mutate({ ...change, reason, squareOff: change.engaged && squareOff }, { onSuccess: close })}
      pending={mutation.isPending}
      pendingLabel="Saving…"
      confirmLabel={change?.engaged ? 'Engage' : 'Release'}
      tone={change?.engaged ? 'danger' : 'primary'}
      confirmTestId="admin-kill-switch-confirm"
      error={mutation.error}
      errorTestId="admin-kill-switch-error"
    >
      {change && (
        <p>
          {change.engaged
            ? `${change.scope === 'global' ? 'Every user’s' : 'Their'} open orders are cancelled and every order that adds exposure is refused (423) until the switch is released. Orders that reduce a position still go through.`
            : 'New orders are accepted again; every other limit still applies.'}
        </p>
      )}
      {change?.engaged && (
        <label className="check-row">
          <input
            type="checkbox"
            checked={squareOff}
            onChange={(e) => setSquareOff(e.target.checked)}
            data-testid="admin-kill-switch-square-off"
          />
          <span>
            <strong>Square off all positions</strong>
            <span className="muted">
              {' '}
              — {change.scope === 'global' ? 'every user’s' : 'their'} open positions are closed at market after the cancels
            </span>
          </span>
        </label>
      )}
    </ConfirmDialog>
  );
}
