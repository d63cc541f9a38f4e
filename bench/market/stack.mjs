// A bench stack for the market benchmarks: a migrated database with ≥ 500 instruments, and
// helpers to start the built API and worker against it and read their Prometheus metrics.
// `root` picks the checkout whose built API, worker and migrations run (default: this one), so the
// same harness can start an older commit's processes from its own worktree (bench/orders/baseline.mjs).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { demoUniverse } from '@tradeloop/domain';
import { createBenchDatabase, dropDatabase, freePort, startNode, waitFor } from '../lib/bench-kit.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '../..');
export const API = join(ROOT, 'apps/api/dist/main.js');
export const WORKER = join(ROOT, 'apps/worker/dist/main.js');
/** A built library of the checkout at `root` (its dist), e.g. `importFrom(root, 'wallet')`. */
export const importFrom = (root, lib) => import(pathToFileURL(join(root, `libs/${lib}/dist/index.js`)).href);
// BENCH_NODE_FLAGS adds flags to the API and worker (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run).
const NODE_FLAGS = ['--max-semi-space-size=32', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];

/**
 * `root`: the checkout to run (default this one). `databaseSettings`: per-database settings set
 * before any process connects (e.g. `{ log_statement: 'all' }` to count statements).
 */
export async function createMarketStack(instrumentCount = 500, { root = ROOT, databaseSettings = {} } = {}) {
  const dbName = `tl_bench_market_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const databaseUrl = await createBenchDatabase(dbName, await importFrom(root, 'platform'));
  const api = join(root, 'apps/api/dist/main.js');
  const worker = join(root, 'apps/worker/dist/main.js');
  const universe = demoUniverse(new Date());
  // The demo universe has ~390–550 instruments depending on the date's expiries; pad with equities.
  for (let i = universe.length; i < instrumentCount; i += 1) {
    universe.push({
      symbol: `BENCH${String(i).padStart(3, '0')}`,
      exchange: 'NSE',
      name: `Bench equity ${i}`,
      instrumentType: 'EQ',
      lotSize: 1,
      tickSize: 500,
    });
  }
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  for (const [k, v] of Object.entries(databaseSettings)) await db.query(`ALTER DATABASE ${dbName} SET ${k} = '${v}'`);
  const col = (k) => universe.map((i) => i[k] ?? null);
  await db.query(
    `INSERT INTO instruments (symbol, exchange, name, instrument_type, lot_size, tick_size_ticks, expiry, strike_ticks, underlying)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::date[], $8::bigint[], $9::text[])`,
    [
      col('symbol'),
      col('exchange'),
      col('name'),
      col('instrumentType'),
      col('lotSize'),
      col('tickSize'),
      col('expiry'),
      col('strike'),
      col('underlying'),
    ],
  );
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    WEB_DIST_DIR: '/nonexistent',
    HOST: '127.0.0.1',
    // Every bench user is registered from this one address.
    REGISTER_MAX_PER_IP: '100000',
    REGISTER_MAX_GLOBAL: '100000',
  };
  const procs = [];
  return {
    root,
    dbName,
    universe,
    db,
    databaseUrl,
    redisPrefix: env.REDIS_PREFIX,
    async startApi(extra = {}) {
      const port = await freePort();
      const proc = startNode(api, { ...env, ...extra, PORT: String(port) }, NODE_FLAGS, root);
      procs.push(proc);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/api/health/ready`);
      return { base, proc, metrics: () => scrape(`${base}/metrics`) };
    },
    async startWorker(extra = {}) {
      const port = await freePort();
      const proc = startNode(worker, { ...env, ...extra, WORKER_HEALTH_PORT: String(port) }, NODE_FLAGS, root);
      procs.push(proc);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/health/ready`);
      return { base, proc, metrics: () => scrape(`${base}/metrics`) };
    },
    async close() {
      await Promise.all(procs.map((p) => p.stop()));
      await db.end();
      await dropDatabase(dbName);
    },
  };
}

/** Prometheus text → { 'name{labels}': value } (just what the benches read). */
export async function scrape(url) {
  const text = await (await fetch(url)).text();
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out[
      line
        .slice(0, i)
        .replace(/,?app="[^"]*"/, '')
        .replace('{}', '')
    ] = Number(line.slice(i + 1));
  }
  return out;
}

/** Users registered and logged in through the real API (`concurrency` at a time). */
export async function makeTokens(base, n, concurrency = 1) {
  const tokens = new Array(n);
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const post = (path, body) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let next = 0;
  const one = async () => {
    for (let i = next++; i < n; i = next++) {
      const email = `bench-md-${i}-${tag}@example.test`;
      const password = 'bench-password-1';
      const reg = await post('/api/v1/auth/register', { email, password, displayName: `Bench ${i}` });
      if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
      tokens[i] = (await (await post('/api/v1/auth/login', { email, password })).json()).accessToken;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, one));
  return tokens;
}

export const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
