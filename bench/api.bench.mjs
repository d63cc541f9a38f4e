// `npm run bench -- api`: authenticated GET /api/v1/auth/me, 50 connections, 20 s (autocannon),
// Nest+Fastify API vs bare Fastify doing the same JWT verification and user lookup.
// Targets (2-core machine): >= 3,000 req/s and p99 <= 15 ms for the API.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, dropDatabase, fmt, freePort, machine, startNode, waitFor } from './lib/bench-kit.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dbName = `tl_bench_api_${Date.now().toString(36)}`;

const databaseUrl = await createBenchDatabase(dbName);
const env = {
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: `bench${randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  WEB_DIST_DIR: '/nonexistent',
  DATABASE_POOL_SIZE: '20',
};

async function measure(label, script) {
  const port = await freePort();
  const proc = startNode(script, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/health`);
    return await run(label, base);
  } finally {
    await proc.stop();
  }
}

let token;
async function ensureToken(base) {
  if (token) return token;
  const email = `bench-${Date.now()}@example.test`;
  const password = 'bench-password-123';
  const reg = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, displayName: 'Bench' }),
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  token = (await login.json()).accessToken;
  return token;
}

async function run(label, base) {
  const auth = { authorization: `Bearer ${token}` };
  // Warm-up: JIT, pool connections, caches.
  await autocannon({ url: `${base}/api/v1/auth/me`, connections: CONNECTIONS, duration: 3, headers: auth });
  const r = await autocannon({ url: `${base}/api/v1/auth/me`, connections: CONNECTIONS, duration: DURATION, headers: auth });
  const result = {
    label,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
  console.log(`${label.padEnd(28)} ${fmt(result.rps, 0).padStart(8)} req/s   p50 ${fmt(result.p50)} ms   p99 ${fmt(result.p99)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`);
  return result;
}

try {
  console.log(`bench api: GET /api/v1/auth/me, ${CONNECTIONS} connections, ${DURATION} s, on ${JSON.stringify(machine())}`);
  // The token comes from the real API (register + login), then both servers verify it.
  const port = await freePort();
  const setup = startNode(join(here, '../apps/api/dist/main.js'), { ...env, PORT: String(port), HOST: '127.0.0.1' });
  await waitFor(`http://127.0.0.1:${port}/api/health`);
  await ensureToken(`http://127.0.0.1:${port}`);
  await setup.stop();

  const api = await measure('Nest + Fastify API', join(here, '../apps/api/dist/main.js'));
  const bare = await measure('bare Fastify (same work)', join(here, 'lib/bare-fastify-me.mjs'));
  const targets = { rpsAtLeast3000: api.rps >= 3000, p99AtMost15ms: api.p99 <= 15, noErrors: api.non2xx === 0 && api.errors === 0 };
  console.log(`framework cost: the API serves ${fmt((api.rps / bare.rps) * 100, 0)}% of bare Fastify's throughput`);
  console.log(JSON.stringify({ bench: 'api', machine: machine(), durationS: DURATION, connections: CONNECTIONS, api, bare, ratio: api.rps / bare.rps, targets, allTargetsMet: Object.values(targets).every(Boolean) }));
} finally {
  await dropDatabase(dbName);
}
