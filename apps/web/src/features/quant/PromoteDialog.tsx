import { useState } from 'react';
import { MODEL_STAGES, type ModelDto, type ModelStage } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { describeError } from '../../lib/api';
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
    <Dialog
      open={model !== null}
      title={model ? `Change the stage of ${model.name} v${model.version}` : ''}
      onClose={close}
      testId="promote-dialog"
    >
      {model && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen && !promote.isPending) promote.mutate({ id: model.id, stage: chosen }, { onSuccess: close });
          }}
        >
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
          {promote.isError && (
            <div className="notice notice-error" role="alert" data-testid="promote-error">
              {describeError(promote.error)}
            </div>
          )}
          <div className="dialog-footer">
            <button type="button" className="button button-ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className={`button ${chosen === 'archived' ? 'button-danger' : 'button-primary'}`}
              disabled={!chosen || promote.isPending}
              data-testid="promote-confirm"
            >
              {promote.isPending ? 'Saving…' : chosen ? `Move to ${chosen}` : 'Pick a stage'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
