import { useState } from 'react';
import type { StrategyDto } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { describeError } from '../../lib/api';
import { useStrategyCommand } from './quant-api';

/** Pulling (or releasing) one strategy's own kill switch, with a reason for the audit log. */
export function StrategyKillSwitchDialog({ strategy, onClose }: { strategy: StrategyDto | null; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const command = useStrategyCommand();
  const engage = strategy ? !strategy.killSwitch.engaged : true;
  const close = () => {
    command.reset();
    setReason('');
    onClose();
  };
  return (
    <Dialog
      open={strategy !== null}
      title={strategy ? `${engage ? 'Pull' : 'Release'} the kill switch of ${strategy.name}?` : ''}
      onClose={close}
      testId="strategy-kill-dialog"
    >
      {strategy && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (command.isPending || (engage && !reason.trim())) return;
            command.mutate(
              { id: strategy.id, command: { action: 'kill-switch', engaged: engage, reason: reason.trim() || undefined } },
              { onSuccess: close },
            );
          }}
        >
          <p>
            {engage
              ? 'The strategy stops placing orders at once and its working orders are cancelled. Positions it holds stay open. Only this strategy is affected.'
              : 'The strategy may place orders again when it is running; every other limit still applies.'}
          </p>
          <label className="field">
            <span className="label">Reason (recorded in the audit log){engage ? '' : ', optional'}</span>
            <input
              className="input"
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
              data-testid="strategy-kill-reason"
            />
          </label>
          {command.isError && (
            <div className="notice notice-error" role="alert" data-testid="strategy-kill-error">
              {describeError(command.error)}
            </div>
          )}
          <div className="dialog-footer">
            <button type="button" className="button button-ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${engage ? 'button-danger' : 'button-primary'}`}
              disabled={command.isPending || (engage && !reason.trim())}
              data-testid="strategy-kill-confirm"
            >
              {command.isPending ? 'Saving…' : engage ? 'Pull the switch' : 'Release'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
