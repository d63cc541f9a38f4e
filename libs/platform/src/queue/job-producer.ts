import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PAYLOADS, JOB_QUEUE, QUEUES, type JobName, type JobPayload, type QueueName } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { closeRedis } from '../redis';
import { queueConnection, queuePrefix } from './queue-connection';
import { isOrderJob, orderQueueFor, orderQueues, type OrderRoute } from './order-routing';

/**
 * Enqueues jobs. Payloads are validated against the contract before they leave the process, so
 * a malformed job never reaches a worker. Pass a deterministic `jobId` to dedupe work. Order jobs
 * go to their account's queue (order-routing.ts): the paper queue, a live account's partition, or
 * the router queue when the payload does not name the account.
 */
@Injectable()
export class JobProducer implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly partitions: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = queueConnection(config, 'producer') as Redis;
    this.partitions = config.ORDER_PARTITIONS;
    for (const q of Object.values(QUEUES)) this.queue(q);
  }

  /**
   * `route`: an order job's account and broker when its payload does not carry them (the router
   * forwarding a cancel it looked up); by default they are read from the payload.
   */
  async enqueue<J extends JobName>(name: J, payload: JobPayload<J>, opts: JobsOptions = {}, route?: OrderRoute): Promise<string> {
    const data = JOB_PAYLOADS[name].parse(payload);
    const job = await this.queue(this.queueOf(name, data as JobPayload<J>, route)).add(name, data, {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...opts,
    });
    return job.id!;
  }

  /** The queue a job goes to (order jobs: by their account, see order-routing.ts). */
  queueOf<J extends JobName>(name: J, payload: JobPayload<J>, route?: OrderRoute): string {
    if (!isOrderJob(name)) return JOB_QUEUE[name];
    const p = payload as OrderRoute;
    return orderQueueFor(route ?? { accountId: p.accountId, broker: p.broker }, this.partitions);
  }

  /** A queue by name: a contract queue (QUEUES) or an order queue (order-routing.ts). */
  queue(name: QueueName | string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.config) });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Every order queue (the router, the paper queue, each partition): where an order job may be. */
  orderQueues(): Queue[] {
    return orderQueues(this.partitions).map((q) => this.queue(q));
  }

  /** Round-trips to Redis through the queue connection (readiness). */
  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await closeRedis(this.connection);
  }
}
