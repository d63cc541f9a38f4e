import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createDataSource, createMetrics, Db, type WorkerHost } from '@tradeloop/platform';
import { createTestContext, type TestContext } from '@tradeloop/testing';
import { createHealthServer } from '../src/health/health-server';

let ctx: TestContext;
let db: Db;
let redis: Redis;

beforeAll(async () => {
  ctx = await createTestContext();
  const ds = createDataSource({ url: ctx.config.DATABASE_URL, poolSize: 2, applicationName: 'test' });
  await ds.initialize();
  db = new Db(ds);
  redis = new Redis(ctx.config.REDIS_URL);
  // Connected before the first probe: what is under test is the state mapping, not a cold connect.
  await db.ping();
  await redis.ping();
});
afterAll(async () => {
  await db?.dataSource.destroy();
  redis?.disconnect();
  await ctx?.cleanup();
});

async function readiness(state: WorkerHost['state']) {
  // A probe deadline far above any machine's load: the 2 s default is the production setting, not this test's subject.
  const server = createHealthServer({
    db,
    redis,
    host: { state } as WorkerHost,
    metrics: createMetrics('worker-test'),
    probeTimeoutMs: 30_000,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health/ready`);
    return { status: res.status, body: await res.json() };
  } finally {
    server.close();
  }
}

describe('worker readiness reflects its lifecycle', () => {
  it('ready while running', async () => {
    expect(await readiness('running')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
  it.each(['starting', 'draining', 'stopped'] as const)('503 while %s', async (state) => {
    expect(await readiness(state)).toMatchObject({ status: 503, body: { status: state } });
  });
});
