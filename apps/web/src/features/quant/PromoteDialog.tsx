import { useState } from 'react';
import { MODEL_STAGES, type ModelDto, type ModelStage } from '@tradeloop/contracts';
import { Dialog } from '../../components/Dialog';
import { describeError } from '../../lib/api';
import { usePromoteModel } from './quant-api';

const WHAT: Record<ModelStage, string> = {
  staging: 'Registered, not running.',
  shadow: 'Runs on the live feed and records its signals; never trades.',
  production: 'Generates the signals strategies trade on. It replaces the current production model of this name, which is archived.',
  archived: 'Stops running. Promote it again later to roll back in one step.',
};

/** Confirms a stage change; production names what it replaces. */
export function PromoteDialog({ model, current, onClose }: { model: ModelDto | null; current: ModelDto | null; onClose: () => void }) {
  return (
    <Dialog open={model !== null} title="Change stage" onClose={onClose} testId="model-promote-dialog">
      {model && <PromoteForm key={model.id} model={model} current={current} onDone={onClose} />}
    </Dialog>
  );
}

function PromoteForm({ model, current, onDone }: { model: ModelDto; current: ModelDto | null; onDone: () => void }) {
  const choices = MODEL_STAGES.filter((s) => s !== model.stage);
  const [stage, setStage] = useState<ModelStage>(model.stage === 'production' ? 'archived' : 'production');
  const promote = usePromoteModel();
  const replaces = stage === 'production' && current && current.id !== model.id ? current : null;
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        promote.mutate({ id: model.id, stage }, { onSuccess: onDone });
      }}
    >
      <p>
        <strong className="mono">
          {model.name} v{model.version}
        </strong>{' '}
        is in <span className={`chip stage-${model.stage}`}>{model.stage}</span>.
      </p>
      <div className="segmented" role="radiogroup" aria-label="New stage">
        {choices.map((s) => (
          <button key={s} type="button" role="radio" aria-checked={stage === s} className={stage === s ? 'segment active' : 'segment'} onClick={() => setStage(s)} data-testid={`model-promote-stage-${s}`}>
            {s}
          </button>
        ))}
      </div>
      <p className="muted">{WHAT[stage]}</p>
      {replaces && (
        <div className="notice notice-warning" data-testid="model-promote-replaces">
          v{replaces.version} leaves production and is archived.
        </div>
      )}
      {promote.isError && (
        <div className="notice notice-error" role="alert" data-testid="model-promote-error">
          {describeError(promote.error)}
        </div>
      )}
      <div className="dialog-footer">
        <button type="button" className="button button-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={promote.isPending} data-testid="model-promote-confirm">
          {promote.isPending ? 'Moving…' : `Move to ${stage}`}
        </button>
      </div>
    </form>
  );
}
