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
import { isOrderJob, ROUTER_ORDERS_QUEUE } from './order-routing';

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
 * Forwards an order job of the router queue to its account's queue (order-routing.ts): resolves
 * true once it is there, false when it cannot be routed (the order is unknown), so it runs here.
 */
export type OrderJobForwarder = (name: JobName, payload: unknown, jobId: string) => Promise<boolean>;

interface Consumer {
  readonly worker: Worker;
  readonly connection: Redis;
}

/**
 * Runs one BullMQ worker per queue and dispatches each job by name to its handler. On shutdown it
 * stops taking new jobs, lets in-flight ones finish (up to the grace period), then closes.
 *
 * The contract's queues are consumed from start to stop. Order queues that belong to one worker
 * at a time (the paper queue, the live partitions: docs/architecture.md "Scale-out") are started
 * and stopped by whoever holds their lease (`startQueue` / `stopQueue`); order queues lock a job
 * for ORDER_JOB_LOCK_MS, so the job of a worker that died is retried by the queue's next consumer
 * after that.
 */
export class WorkerHost {
  private readonly handlers: Map<JobName, JobHandler>;
  private readonly consumers = new Map<string, Consumer>();
  private readonly stopping = new Map<string, Promise<void>>();
  private stateValue: WorkerState = 'starting';

  constructor(
    private readonly config: AppConfig,
    handlers: readonly JobHandler[],
    private readonly logger: Logger,
    private readonly forward: OrderJobForwarder | null = null,
  ) {
    this.handlers = indexHandlers(handlers);
  }

  /** The queues this process consumes now. */
  get queues(): string[] {
    return [...this.consumers.keys()];
  }

  get state(): WorkerState {
    return this.stateValue;
  }

  async start(): Promise<void> {
    const queues = new Set<QueueName>(Object.values(JOB_QUEUE));
    for (const queue of queues) await this.consume(queue);
    this.stateValue = 'running';
    this.logger.info({ queues: [...queues], concurrency: this.config.WORKER_CONCURRENCY }, 'worker running');
  }

  /** Starts consuming a queue (an order queue whose lease this process took); no-op if it does already or is stopping. */
  async startQueue(queue: string): Promise<void> {
    if (this.stateValue === 'draining' || this.stateValue === 'stopped') return;
    await this.stopping.get(queue);
    if (this.consumers.has(queue)) return;
    await this.consume(queue);
    this.logger.info({ queue }, 'consuming queue');
  }

  /**
   * Stops consuming a queue. Graceful: the jobs running finish first (a lease handed over on a
   * rebalance). `force`: at once (a lease lost: another worker consumes it already); the jobs
   * cut short are retried there once their lock lapses.
   */
  stopQueue(queue: string, force = false): Promise<void> {
    const c = this.consumers.get(queue);
    if (!c) return this.stopping.get(queue) ?? Promise.resolve();
    this.consumers.delete(queue);
    const done = c.worker
      .close(force)
      .catch((err: unknown) => this.logger.warn({ queue, err: (err as Error).message }, 'closing a queue consumer failed'))
      .then(() => closeRedis(c.connection))
      .finally(() => this.stopping.delete(queue));
    this.stopping.set(queue, done);
    this.logger.info({ queue, force }, 'stopped consuming queue');
    return done;
  }

  private async consume(queue: string): Promise<void> {
    const connection = queueConnection(this.config, `worker-${queue}`) as Redis;
    const order = queue.startsWith(ROUTER_ORDERS_QUEUE);
    const worker = new Worker(queue, (job) => this.dispatch(job), {
      connection,
      prefix: queuePrefix(this.config),
      concurrency: this.config.WORKER_CONCURRENCY,
      autorun: false,
      ...(order ? { lockDuration: this.config.ORDER_JOB_LOCK_MS, stalledInterval: this.config.ORDER_JOB_LOCK_MS } : {}),
    });
    worker.on('failed', (job, err) =>
      this.logger.warn({ queue, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
    this.consumers.set(queue, { worker, connection });
    void worker.run();
    await worker.waitUntilReady();
  }

  private async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const started = Date.now();
    try {
      const payload = JOB_PAYLOADS[handler.job].parse(job.data);
      if (
        this.forward &&
        job.queueName === ROUTER_ORDERS_QUEUE &&
        isOrderJob(handler.job) &&
        (await this.forward(handler.job, payload, job.id!))
      )
        return 'forwarded to its account queue';
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
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    const graceful = Promise.all(consumers.map((c) => c.worker.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
    ]);
    if (timedOut) {
      this.logger.warn('grace period over: forcing workers closed; unfinished jobs will be retried');
      await Promise.all(consumers.map((c) => c.worker.close(true)));
    }
    await Promise.all([...this.stopping.values()]);
    await Promise.all(consumers.map((c) => closeRedis(c.connection)));
    this.stateValue = 'stopped';
    this.logger.info('worker stopped');
  }
}
