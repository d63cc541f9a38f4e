import { useState } from 'react';
import { MODEL_STAGES, type ModelDto, type ModelStage } from '@tradeloop/contracts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { usePromoteModel } from './quant-api';

const STAGE_EFFECT: Record<ModelStage, string> = {
  staging: 'Registered but idle: no signals are computed.',
  shadow: 'Runs on live data and records its signals beside production, but never trades.',
  production: 'Its signals drive every running ml-signal strategy on this model.',
  archived: 'Retired: no signals. It can be promoted back later (a roll back).',
};

/**
 * The confirmation every stage change goes through. Promoting to production says which model it
 * replaces: there is one production model per name, and the current one is archived.
 */
export function PromoteDialog({
  model,
  production,
  onClose,
}: {
  model: ModelDto | null;
  production: ModelDto | null;
  onClose: () => void;
}) {
  const choices = MODEL_STAGES.filter((s) => s !== model?.stage);
  const [stage, setStage] = useState<ModelStage | null>(null);
  const promote = usePromoteModel();
  const chosen = stage && choices.includes(stage) ? stage : null;
  const close = () => {
    promote.reset();
    setStage(null);
    onClose();
  };
  const replaces = chosen === 'production' && production && production.id !== model?.id ? production : null;
  const rollBack = chosen === 'production' && model?.stage === 'archived';

  return (
    <ConfirmDialog
      open={model !== null}
      title={model ? `Change the stage of ${model.name} v${model.version}` : ''}
      onClose={close}
      testId="promote-dialog"
      onConfirm={() => model && chosen && promote.mutate({ id: model.id, stage: chosen }, { onSuccess: close })}
      canConfirm={chosen !== null}
      pending={promote.isPending}
      pendingLabel="Saving…"
      confirmLabel={chosen ? `Move to ${chosen}` : 'Pick a stage'}
      tone={chosen === 'archived' ? 'danger' : 'primary'}
      confirmTestId="promote-confirm"
      error={promote.error}
      errorTestId="promote-error"
    >
      {model && (
        <>
          <p className="muted">
            Now in <strong>{model.stage}</strong>. Move it to:
          </p>
          <div className="stage-choices" role="radiogroup" aria-label="New stage">
            {choices.map((s) => (
              <label key={s} className={`stage-choice${chosen === s ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="stage"
                  value={s}
                  checked={chosen === s}
                  onChange={() => setStage(s)}
                  data-testid={`promote-stage-${s}`}
                />
                <span className="stage-choice-name mono">{s}</span>
                <span className="muted">{STAGE_EFFECT[s]}</span>
              </label>
            ))}
          </div>
          {chosen === 'production' && (
            <div className="notice notice-warning" data-testid="promote-replaces">
              {replaces ? (
                <span>
                  This replaces the current production model of <strong className="mono">{model.name}</strong>: v{replaces.version} is
                  archived, and running strategies switch to v{model.version} at the next bar.
                </span>
              ) : (
                <span>
                  There is no production model of <strong className="mono">{model.name}</strong> now; this one becomes it. Only one model
                  per name can be in production.
                </span>
              )}
              {rollBack && <span> (a roll back to an archived version)</span>}
            </div>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}
