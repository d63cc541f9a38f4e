import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { JOB_PAYLOADS, JOB_QUEUE, JOBS, type JobName, type QueueName } from '@tradeloop/contracts';
import { isDomainError } from '@tradeloop/domain';
import type { AppConfig } from '../config';
import { closeRedis } from '../redis';
import type { JobHandler } from './job-handler';
import { queueConnection, queuePrefix } from './queue-connection';

export type WorkerState = 'starting' | 'running' | 'draining' | 'stopped';

/**
 * Checks at boot that every job name in the contract has exactly one handler. A job with no
 * handler would sit in Redis forever; two handlers would make behaviour depend on load order.
 */
export function indexHandlers(handlers: readonly JobHandler[]): Map<JobName, JobHandler> {
  const byName = new Map<JobName, JobHandler>();
  const problems: string[] = [];
  for (const h of handlers) {
    if (byName.has(h.job)) problems.push(`job "${h.job}" has more than one handler`);
    byName.set(h.job, h);
  }
  for (const name of Object.values(JOBS)) {
    if (!byName.has(name)) problems.push(`job "${name}" has no handler`);
  }
  if (problems.length) throw new Error(`Worker cannot start:\n  - ${problems.join('\n  - ')}`);
  return byName;
}

/**
 * Runs one BullMQ worker per queue and dispatches each job by name to its handler. On shutdown it
 * stops taking new jobs, lets in-flight ones finish (up to the grace period), then closes.
 */
export class WorkerHost {
  private readonly handlers: Map<JobName, JobHandler>;
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  private stateValue: WorkerState = 'starting';

  constructor(
    private readonly config: AppConfig,
    handlers: readonly JobHandler[],
    private readonly logger: Logger,
  ) {
    this.handlers = indexHandlers(handlers);
  }

  get state(): WorkerState {
    return this.stateValue;
  }

  async start(): Promise<void> {
    const queues = new Set<QueueName>(Object.values(JOB_QUEUE));
    for (const queue of queues) {
      const connection = queueConnection(this.config, `worker-${queue}`) as Redis;
      this.connections.push(connection);
      const worker = new Worker(queue, (job) => this.dispatch(job), {
        connection,
        prefix: queuePrefix(this.config),
        concurrency: this.config.WORKER_CONCURRENCY,
        autorun: false,
      });
      worker.on('failed', (job, err) =>
        this.logger.warn({ queue, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
      );
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      this.workers.push(worker);
      void worker.run();
      await worker.waitUntilReady();
    }
    this.stateValue = 'running';
    this.logger.info({ queues: [...queues], concurrency: this.config.WORKER_CONCURRENCY }, 'worker running');
  }

  private async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const started = Date.now();
    try {
      const payload = JOB_PAYLOADS[handler.job].parse(job.data);
      const result = await handler.handle(payload, {
        jobId: job.id!,
        attempt: job.attemptsMade + 1,
        progress: (v) => job.updateProgress(v),
      });
      this.logger.info({ jobId: job.id, job: job.name, ms: Date.now() - started }, 'job completed');
      return result;
    } catch (err) {
      // Retrying cannot fix a malformed payload or a business rule refusal.
      if (err instanceof ZodError) throw new UnrecoverableError(`invalid payload: ${err.message}`);
      if (isDomainError(err) && err.code !== 'SERVICE_UNAVAILABLE') throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  /** Stops taking jobs, waits for in-flight ones up to `graceMs`, then closes connections. */
  async stop(graceMs = this.config.SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'draining') return;
    this.stateValue = 'draining';
    this.logger.info({ graceMs }, 'worker draining');
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
    ]);
    if (timedOut) {
      this.logger.warn('grace period over: forcing workers closed; unfinished jobs will be retried');
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await Promise.all(this.connections.map((c) => closeRedis(c)));
    this.stateValue = 'stopped';
    this.logger.info('worker stopped');
  }
}
