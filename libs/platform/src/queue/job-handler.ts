import type { JobName, JobPayload } from '@tradeloop/contracts';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** Lets a long job report progress (and proves it is alive). */
  progress(value: number): Promise<void>;
}

/** One handler per job name; the worker refuses to boot otherwise. */
export interface JobHandler<J extends JobName = JobName> {
  readonly job: J;
  handle(payload: JobPayload<J>, ctx: JobContext): Promise<unknown>;
}

/** Multi-provider token under which the worker collects every handler. */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
