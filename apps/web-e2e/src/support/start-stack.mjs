// Starts the whole system for browser tests: a fresh migrated database, the seeded admin, and the
// built API (serving the built web app) plus the worker. Stops both and drops the database on
// SIGTERM (Playwright's shutdown).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = randomBytes(3).toString('hex');
const dbName = `tl_e2e_${run}`;
const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL must be set (npm test does this)');
const withDb = (name) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();

async function admin(sql) {
  const c = new pg.Client({ connectionString: withDb('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

await admin(`CREATE DATABASE ${dbName}`);
const env = {
  ...process.env,
  DATABASE_URL: withDb(dbName),
  REDIS_PREFIX: `e2e${run}`,
  PORT: process.env.E2E_PORT ?? '3417',
  HOST: '127.0.0.1',
  WORKER_HEALTH_PORT: String(Number(process.env.E2E_PORT ?? 3417) + 1),
  WEB_DIST_DIR: join(root, 'apps/web/dist'),
  ADMIN_EMAIL: 'admin@e2e.test',
  ADMIN_PASSWORD: 'e2e-admin-password',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  // A few days of history are enough for charts; the live feed at the demo rate.
  MARKET_BACKFILL_DAYS: '3',
  MARKET_FEED_TICKS_PER_SECOND: '500',
  MARKET_FEED_HOURS: 'always',
  // Uploaded models (the seeded demo model among them), outside the repository.
  MODEL_REGISTRY_DIR: join(tmpdir(), `tl-e2e-registry-${run}`),
  // Every browser test registers its users from 127.0.0.1 through the public API.
  REGISTER_MAX_PER_IP: '10000',
  REGISTER_MAX_GLOBAL: '100000',
};
const node = (script) => spawn(process.execPath, [join(root, script)], { env, stdio: 'inherit' });
const finished = (child) => new Promise((r) => child.once('exit', (code) => r(code)));

for (const script of ['apps/api/dist/cli/migrate.js', 'apps/api/dist/cli/seed.js']) {
  const code = await finished(node(script));
  if (code !== 0) throw new Error(`${script} failed`);
}
const children = [node('apps/worker/dist/main.js'), node('apps/api/dist/main.js')];

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map(finished));
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  rmSync(env.MODEL_REGISTRY_DIR, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for (const c of children) c.once('exit', () => void stop());
