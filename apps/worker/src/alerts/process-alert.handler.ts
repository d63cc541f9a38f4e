import { Inject, Injectable } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { ProcessDeliveryUseCase, type ProcessOutcome } from '@tradeloop/alerts';
import type { JobHandler } from '@tradeloop/platform';

/** `alerts.process` (docs/alerts.md "Processing"): one accepted webhook delivery, idempotent on its status. */
@Injectable()
export class ProcessAlertHandler implements JobHandler<typeof JOBS.processAlert> {
  readonly job = JOBS.processAlert;

  constructor(@Inject(ProcessDeliveryUseCase) private readonly process: ProcessDeliveryUseCase) {}

  handle(payload: JobPayload<typeof JOBS.processAlert>): Promise<ProcessOutcome> {
    return this.process.execute(payload.deliveryId);
  }
}
