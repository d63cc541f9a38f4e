// `npm run bench -- api`: authenticated GET /api/v1/auth/me, 50 connections, 20 s (autocannon),
// the Nest+Fastify API beside bare Fastify doing the same JWT verification and user lookup
// (same classes, same SQL, same caches). Each connection is a different user with its own token.
// Also measured with the auth caches off (AUTH_CACHE_TTL_MS=0: verify + Postgres every request).
// Targets (2-core machine, default config): >= 3,000 req/s and p99 <= 15 ms.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, dropDatabase, fmt, freePort, machine, startNode, waitFor } from './lib/bench-kit.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const API = join(here, '../apps/api/dist/main.js');
const BARE = join(here, 'lib/bare-fastify-me.mjs');
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// The same V8 flag the app runs with in production (infra/scripts/serve.mjs, Dockerfile).
const NODE_FLAGS = ['--max-semi-space-size=32'];
const dbName = `tl_bench_api_${Date.now().toString(36)}`;

const databaseUrl = await createBenchDatabase(dbName);
const baseEnv = {
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: `bench${randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  WEB_DIST_DIR: '/nonexistent',
  DATABASE_POOL_SIZE: '20',
  HOST: '127.0.0.1',
  // Every connection's user is registered from this one address.
  REGISTER_MAX_PER_IP: '100000',
  REGISTER_MAX_GLOBAL: '100000',
};

async function withServer(script, env, fn) {
  const port = await freePort();
  const proc = startNode(script, { ...baseEnv, ...env, PORT: String(port) }, NODE_FLAGS);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/health`);
    return await fn(base);
  } finally {
    await proc.stop();
  }
}

/** One user and token per connection, made through the real API. */
async function makeTokens(base, n) {
  const tokens = [];
  for (let i = 0; i < n; i += 1) {
    const email = `bench-${i}-${Date.now().toString(36)}@example.test`;
    const password = 'bench-password-123';
    const post = (path, body) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const reg = await post('/api/v1/auth/register', { email, password, displayName: `Bench ${i}` });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
    tokens.push((await (await post('/api/v1/auth/login', { email, password })).json()).accessToken);
  }
  return tokens;
}

async function load(label, base, tokens) {
  let next = 0;
  const opts = (duration) => ({
    url: `${base}/api/v1/auth/me`,
    connections: CONNECTIONS,
    duration,
    requests: [
      { setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) },
    ],
  });
  await autocannon(opts(3)); // warm-up: JIT, pool, caches
  const r = await autocannon(opts(DURATION));
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
  console.log(
    `${label.padEnd(40)} ${fmt(result.rps, 0).padStart(8)} req/s   p50 ${fmt(result.p50)} ms   p99 ${fmt(result.p99)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`,
  );
  return result;
}

try {
  console.log(
    `bench api: GET /api/v1/auth/me, ${CONNECTIONS} connections (one user each), ${DURATION} s, node ${NODE_FLAGS.join(' ')}, on ${JSON.stringify(machine())}`,
  );
  const tokens = await withServer(API, {}, (base) => makeTokens(base, CONNECTIONS));
  const api = await withServer(API, {}, (b) => load('Nest + Fastify API', b, tokens));
  const bare = await withServer(BARE, {}, (b) => load('bare Fastify, same work', b, tokens));
  const apiCold = await withServer(API, { AUTH_CACHE_TTL_MS: '0' }, (b) => load('Nest + Fastify API, auth caches off', b, tokens));
  const bareCold = await withServer(BARE, { AUTH_CACHE_TTL_MS: '0' }, (b) => load('bare Fastify, auth caches off', b, tokens));
  const targets = { rpsAtLeast3000: api.rps >= 3000, p99AtMost15ms: api.p99 <= 15, noErrors: api.non2xx === 0 && api.errors === 0 };
  console.log(
    `framework cost: the API serves ${fmt((api.rps / bare.rps) * 100, 0)}% of bare Fastify's throughput (${fmt((apiCold.rps / bareCold.rps) * 100, 0)}% with caches off)`,
  );
  console.log(
    JSON.stringify({
      bench: 'api',
      machine: machine(),
      durationS: DURATION,
      connections: CONNECTIONS,
      nodeFlags: NODE_FLAGS,
      api,
      bare,
      apiCold,
      bareCold,
      ratio: api.rps / bare.rps,
      targets,
      allTargetsMet: Object.values(targets).every(Boolean),
    }),
  );
} finally {
  await dropDatabase(dbName);
}
