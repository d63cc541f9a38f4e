import { Inject, Injectable } from '@nestjs/common';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import type { JobHandler } from '@tradeloop/platform';
import { RunInstrumentMastersUseCase, type InstrumentMasterOutcome } from '@tradeloop/trading';

/**
 * The daily instrument masters import (docs/brokers.md, "Instrument masters"): scheduled before the
 * open (INSTRUMENT_MASTERS_SCHEDULE in worker.module.ts) and run on demand by an admin. A source
 * that fails is audited as such and changes nothing; the job itself fails only on an unexpected
 * error (and BullMQ retries it; a re-run of the same files reports everything unchanged).
 */
@Injectable()
export class InstrumentMastersHandler implements JobHandler<typeof JOBS.instrumentMasters> {
  readonly job = JOBS.instrumentMasters;

  constructor(@Inject(RunInstrumentMastersUseCase) private readonly run: RunInstrumentMastersUseCase) {}

  async handle(payload: JobPayload<typeof JOBS.instrumentMasters>): Promise<{ sources: InstrumentMasterOutcome[] }> {
    return { sources: await this.run.execute(payload.source ? { source: payload.source } : {}) };
  }
}
