import type { ModelStage } from '@tradeloop/contracts';

const STAGE_CHIP: Record<ModelStage, string> = {
  staging: 'chip-neutral',
  shadow: 'chip-warning',
  production: 'chip-positive',
  archived: 'chip-archived',
};

/** A model's lifecycle stage; data-stage carries the raw value for tests. */
export function StageChip({ stage, testId }: { stage: ModelStage; testId?: string }) {
  return (
    <span className={`chip ${STAGE_CHIP[stage]}`} data-testid={testId} data-stage={stage}>
      {stage}
    </span>
  );
}
