import { resolve } from 'node:path';
import { QueueEvents } from 'bullmq';
import pino from 'pino';
import { JOBS, QUEUES } from '@tradeloop/contracts';
import { JobProducer, queueConnection, queuePrefix, WorkerHost, type JobHandler } from '@tradeloop/platform';
import { createTestContext, freePort, startProcess, waitForHttp, type TestContext } from '@tradeloop/testing';

let ctx: TestContext;
let producer: JobProducer;
let events: QueueEvents;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  ctx = await createTestContext();
  producer = new JobProducer(ctx.config);
  events = new QueueEvents(QUEUES.maintenance, { connection: queueConnection(ctx.config, 'test-events'), prefix: queuePrefix(ctx.config) });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events?.close();
  await producer?.onApplicationShutdown();
  await ctx?.cleanup();
});

/** The other jobs' handlers: the host refuses to start without one per job name. */
const others = (): JobHandler[] =>
  Object.values(JOBS)
    .filter((j) => j !== JOBS.purgeExpiredSessions)
    .map((job) => ({ job, handle: async () => undefined }));

function slowHandler(ms: number, log: string[]): JobHandler<typeof JOBS.purgeExpiredSessions> {
  return {
    job: JOBS.purgeExpiredSessions,
    async handle(payload) {
      log.push(`start:${payload.olderThanHours}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end:${payload.olderThanHours}`);
      return { deleted: 0 };
    },
  };
}

describe('WorkerHost with real Redis', () => {
  it('runs a job the producer enqueued, and returns its result', async () => {
    const log: string[] = [];
    const host = new WorkerHost(ctx.config, [slowHandler(10, log), ...others()], silent);
    await host.start();
    try {
      const id = await producer.enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 5 });
      const job = await producer.queue(QUEUES.maintenance).getJob(id);
      expect(await job!.waitUntilFinished(events, 10_000)).toEqual({ deleted: 0 });
      expect(log).toEqual(['start:5', 'end:5']);
    } finally {
      await host.stop();
    }
  });

  it('on stop, finishes the job in flight and leaves no job half-done', async () => {
    const log: string[] = [];
    const host = new WorkerHost(ctx.config, [slowHandler(800, log), ...others()], silent);
    await host.start();
    const id = await producer.enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 7 });
    while (!log.includes('start:7')) await new Promise((r) => setTimeout(r, 20));
    const stopping = host.stop();
    expect(host.state).toBe('draining');
    const queuedAfter = await producer.enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 8 });
    await stopping;
    expect(host.state).toBe('stopped');
    expect(log.slice(0, 1)).toEqual(['start:7']);
    expect(log).toContain('end:7');
    // Every job that started also finished: nothing was cut off mid-way.
    for (const entry of log.filter((l) => l.startsWith('start:'))) expect(log).toContain(entry.replace('start', 'end'));
    const q = producer.queue(QUEUES.maintenance);
    expect(await (await q.getJob(id))!.getState()).toBe('completed');
    // A job arriving while draining is either left for the next worker or, if BullMQ's pending
    // fetch had already claimed it, run to completion: never left active.
    expect(['waiting', 'completed']).toContain(await (await q.getJob(queuedAfter))!.getState());
    await q.remove(queuedAfter).catch(() => undefined);
  });

  it('does not retry a job whose payload breaks the contract', async () => {
    const host = new WorkerHost(ctx.config, [slowHandler(1, []), ...others()], silent);
    await host.start();
    try {
      const job = await producer.queue(QUEUES.maintenance).add(JOBS.purgeExpiredSessions, { olderThanHours: 'soon' }, { attempts: 5 });
      await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid payload/);
      const after = await producer.queue(QUEUES.maintenance).getJob(job.id!);
      expect(after!.attemptsMade).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it('refuses to boot with a missing or duplicated handler', () => {
    expect(() => new WorkerHost(ctx.config, [], silent)).toThrow(/has no handler/);
    expect(() => new WorkerHost(ctx.config, [slowHandler(1, []), slowHandler(1, []), ...others()], silent)).toThrow(
      /more than one handler/,
    );
  });
});

describe('worker process', () => {
  it('processes jobs, reports readiness, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = startProcess(resolve(__dirname, '../dist/main.js'), { ...ctx.env, WORKER_HEALTH_PORT: String(port), LOG_LEVEL: 'info' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`, proc);
      const id = await producer.enqueue(JOBS.purgeExpiredSessions, { olderThanHours: 48 });
      const job = await producer.queue(QUEUES.maintenance).getJob(id);
      // Sessions deleted, and (docs/alerts.md) expired webhook dedup windows purged by the same job.
      expect(await job!.waitUntilFinished(events, 10_000)).toEqual({ deleted: 0, dedupWindows: 0 });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect(metrics).toMatch(/nodejs_event_loop_lag_seconds_count\{[^}]*\} [1-9]/);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
    const out = proc.output.join('');
    expect(out).toContain('worker draining');
    expect(out).toContain('worker stopped');
  });
});
