import type { StrategyDto } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useStrategyCommand } from './quant-api';

/** Pulling (or releasing) one strategy's own kill switch, with a reason for the audit log. */
export function StrategyKillSwitchDialog({ strategy, onClose }: { strategy: StrategyDto | null; onClose: () => void }) {
  const command = useStrategyCommand();
  const engage = strategy ? !strategy.killSwitch.engaged : true;
  const close = () => {
    command.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={strategy !== null}
      title={strategy ? `${engage ? 'Pull' : 'Release'} the kill switch of ${strategy.name}?` : ''}
      onClose={close}
      testId="strategy-kill-dialog"
      reason={{
        label: `Reason (recorded in the audit log)${engage ? '' : ', optional'}`,
        required: engage,
        testId: 'strategy-kill-reason',
      }}
      onConfirm={(reason) =>
        strategy &&
        command.mutate(
          { id: strategy.id, command: { action: 'kill-switch', engaged: engage, reason: reason || undefined } },
          { onSuccess: close },
        )
      }
      pending={command.isPending}
      pendingLabel="Saving…"
      confirmLabel={engage ? 'Pull the switch' : 'Release'}
      tone={engage ? 'danger' : 'primary'}
      confirmTestId="strategy-kill-confirm"
      error={command.error}
      errorTestId="strategy-kill-error"
    >
      <p>
        {engage
          ? 'The strategy stops placing orders at once and its working orders are cancelled. Positions it holds stay open. Only this strategy is affected.'
          : 'The strategy may place orders again when it is running; every other limit still applies.'}
      </p>
    </ConfirmDialog>
  );
}
