import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { demoUniverse } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { createTestContext, freePort, startProcess, waitForHttp, type RunningProcess, type TestContext } from '@tradeloop/testing';
import { signedIn, startTestApi, type TestApi } from './support/test-api';
import { eventually, MarketClient, sleep } from './support/market-socket';

/**
 * The real worker runs the simulated feed against a Redis of this file's own, so the test can
 * kill and restart Redis (and the worker) without disturbing other test files.
 */
const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');

let redisPort: number;
let redis: ChildProcess | null = null;
let ctx: TestContext;
let api: TestApi;
let worker: RunningProcess | null = null;
let workerHealth: number;
const clients: MarketClient[] = [];

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await eventually(
    async () => {
      try {
        const { Redis } = await import('ioredis');
        const r = new Redis({ port: redisPort, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => undefined);
        await r.connect();
        const pong = await r.ping();
        r.disconnect();
        return pong === 'PONG';
      } catch {
        return false;
      }
    },
    10_000,
    'redis up',
  );
}

function killRedis(): Promise<void> {
  const r = redis!;
  redis = null;
  return new Promise((res) => {
    r.once('exit', () => res());
    r.kill('SIGKILL');
  });
}

async function startWorker(): Promise<void> {
  worker = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(workerHealth),
    MARKET_FEED: 'simulated',
    MARKET_FEED_TICKS_PER_SECOND: '2000',
    LOG_LEVEL: 'warn',
  });
  await waitForHttp(`http://127.0.0.1:${workerHealth}/health/ready`, worker);
}

async function subscribedClient(symbols: string[]): Promise<MarketClient> {
  const { token } = await signedIn(api);
  const c = new MarketClient(api.url, token);
  clients.push(c);
  await c.ready();
  const ack = await c.request('subscribe', { channel: 'ticks', symbols });
  expect(ack.symbols).toEqual(symbols);
  return c;
}

beforeAll(async () => {
  [redisPort, workerHealth] = await Promise.all([freePort(), freePort()]);
  await startRedis();
  ctx = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${redisPort}/0` });
  api = await startTestApi(ctx.config, { logLevel: 'silent' });
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  await startWorker();
}, 60_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await worker?.stop();
  await api?.close();
  await ctx?.cleanup().catch(() => undefined);
  if (redis) await killRedis();
});

describe('market feed faults', () => {
  it('recovers by itself when Redis restarts under the running feed; clients see the gap through seq', async () => {
    const c = await subscribedClient(['RELIANCE']);
    await eventually(() => c.ticksOf('RELIANCE').length >= 5, 5000, 'ticks before the restart');
    expect(c.ticksOf('RELIANCE').map((t) => t.seq)).toEqual(c.ticksOf('RELIANCE').map((_, i) => i + 1));

    await killRedis();
    await sleep(1500);
    const before = c.ticksOf('RELIANCE').length;
    await startRedis();

    // Ticks resume on the same socket, with one skipped seq number marking the outage.
    const ticks = await eventually(
      () => {
        const t = c.ticksOf('RELIANCE');
        return t.length >= before + 5 ? t : null;
      },
      15_000,
      'ticks after the restart',
    );
    const jumps = ticks.slice(1).map((t, i) => t.seq - ticks[i]!.seq);
    expect(jumps.filter((j) => j !== 1)).toEqual([2]);
    expect(jumps.slice(before).every((j) => j === 1)).toBe(true);

    // The shared quotes are back, the worker never died and counted what Redis refused.
    const { token } = await signedIn(api);
    await eventually(
      async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', token)).body.items?.length === 1,
      5000,
      'quotes',
    );
    expect(worker!.child.exitCode).toBeNull();
    const metrics = await (await fetch(`http://127.0.0.1:${workerHealth}/metrics`)).text();
    const failures = /market_feed_publish_failures_total\{[^}]*kind="ticks"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(failures?.[1] ?? 0)).toBeGreaterThan(0);
  }, 60_000);

  it('a restarted worker resumes from the stored candles: no price jump, a seq gap for the new run', async () => {
    const c = await subscribedClient(['TCS']);
    await eventually(() => c.ticksOf('TCS').length >= 3, 5000, 'ticks');
    await sleep(1200); // let a candle write land
    await worker!.stop('SIGTERM');
    await sleep(400); // a coalesced last tick of the old run may still be on its way
    const lastBefore = Number(c.ticksOf('TCS').at(-1)!.ltp);
    const n = c.ticksOf('TCS').length;
    await startWorker();
    const after = await eventually(
      () => {
        const t = c.ticksOf('TCS');
        return t.length >= n + 2 ? t.slice(n) : null;
      },
      10_000,
      'ticks from the new worker',
    );
    expect(Math.abs(Number(after[0]!.ltp) / lastBefore - 1)).toBeLessThan(0.01);
    expect(after[0]!.seq).toBe(c.ticksOf('TCS')[n - 1]!.seq + 2);
  }, 60_000);
});
