import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PAYLOADS, JOB_QUEUE, QUEUES, type JobName, type JobPayload, type QueueName } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { closeRedis } from '../redis';
import { queueConnection, queuePrefix } from './queue-connection';

/**
 * Enqueues jobs. Payloads are validated against the contract before they leave the process, so
 * a malformed job never reaches a worker. Pass a deterministic `jobId` to dedupe work.
 */
@Injectable()
export class JobProducer implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues: Map<QueueName, Queue>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = queueConnection(config, 'producer') as Redis;
    this.queues = new Map(
      Object.values(QUEUES).map((q) => [q, new Queue(q, { connection: this.connection, prefix: queuePrefix(config) })]),
    );
  }

  async enqueue<J extends JobName>(name: J, payload: JobPayload<J>, opts: JobsOptions = {}): Promise<string> {
    const data = JOB_PAYLOADS[name].parse(payload);
    const job = await this.queue(JOB_QUEUE[name]).add(name, data, {
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...opts,
    });
    return job.id!;
  }

  queue(name: QueueName): Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
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
