// Starts the whole system for browser tests: a fresh migrated database, the seeded admin, and the
// built API (serving the built web app) plus the worker, trading live Kite accounts against a local
// fake Kite. Stops them and drops the database on SIGTERM (Playwright's shutdown).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
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

// A fake of Zerodha Kite (libs/testing/src/kite-fake, loopback only) stands in for Kite: its login
// page redirects to our callback, the stack's KITE_* point at it, and a control port (E2E_PORT + 2,
// support/fake-kite.ts) lets a test read its credentials and set its quotes. The library has no
// build of its own, so its source is bundled here (its imports resolve to the built libraries).
const port = Number(process.env.E2E_PORT ?? 3417);
// A real SMTP server (infra/smtp/smtp-sink.mjs, docs/alerts.md "Notifications") on E2E_PORT + 3
// for email notifications; it stores each message here and the control port serves them
// (GET /smtp/messages, support/smtp.ts).
const smtpDir = join(root, `.local/e2e/smtp-${run}`);
const smtpPort = port + 3;
const kiteBundle = join(root, `.local/e2e/kite-fake-${run}.cjs`);
mkdirSync(dirname(kiteBundle), { recursive: true });
const esbuild = await import('esbuild');
await (esbuild.build ?? esbuild.default.build)({
  entryPoints: [join(root, 'libs/testing/src/kite-fake/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  packages: 'external',
  outfile: kiteBundle,
  logLevel: 'warning',
});
const { FakeKite } = createRequire(import.meta.url)(kiteBundle);
const kite = new FakeKite({
  apiKey: 'e2ekiteapikey',
  apiSecret: 'e2ekiteapisecret',
  redirectUrl: `http://127.0.0.1:${port}/api/v1/brokers/kite/callback`,
});
const kiteEndpoints = await kite.start();
// A fake OpenAlgo installation (libs/testing/src/openalgo-fake) in analyzer mode, bundled the same
// way: an OpenAlgo account is its host and API key (read through the control port, /openalgo).
const openAlgoBundle = join(root, `.local/e2e/openalgo-fake-${run}.cjs`);
await (esbuild.build ?? esbuild.default.build)({
  entryPoints: [join(root, 'libs/testing/src/openalgo-fake/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  packages: 'external',
  outfile: openAlgoBundle,
  logLevel: 'warning',
});
const { FakeOpenAlgo } = createRequire(import.meta.url)(openAlgoBundle);
const openAlgo = new FakeOpenAlgo({ analyzer: true, apiKey: 'e2eopenalgoapikey0000000000' });
const openAlgoEndpoints = await openAlgo.start();
const kiteControl = createServer((req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', () => {
    try {
      if (req.method === 'GET' && req.url === '/kite') return reply(200, { apiKey: kite.apiKey, apiSecret: kite.apiSecret });
      if (req.method === 'GET' && req.url === '/smtp/messages')
        return reply(200, {
          items: readdirSync(smtpDir)
            .filter((f) => f.endsWith('.json'))
            .sort()
            .map((f) => JSON.parse(readFileSync(join(smtpDir, f), 'utf8'))),
        });
      if (req.method === 'GET' && req.url === '/kite/orders') return reply(200, { items: kite.orderBook() });
      if (req.method === 'GET' && req.url === '/openalgo') return reply(200, { host: openAlgoEndpoints.host, apiKey: openAlgo.apiKey });
      if (req.method === 'GET' && req.url === '/openalgo/orders')
        return reply(200, { items: openAlgo.orderList().map(({ fillValue: _fillValue, ...o }) => o) });
      if (req.method === 'POST' && req.url === '/openalgo/quote') {
        const { exchange, symbol, ltp, bid, ask } = JSON.parse(raw);
        openAlgo.setQuote(exchange, symbol, { ltp, bid, ask });
        return reply(200, { ok: true });
      }
      if (req.method === 'POST' && req.url?.startsWith('/backtests/'))
        return backtestControl(req.url.slice('/backtests/'.length), raw ? JSON.parse(raw) : {}).then(
          (body) => reply(200, body),
          (error) => reply(400, { error: String(error) }),
        );
      // Kite's day ends: CNC buys become T1 holdings, the day's books start empty (FakeKite.rollDay).
      if (req.method === 'POST' && req.url === '/kite/roll-day') {
        kite.rollDay();
        return reply(200, { holdings: kite.holdingsNow() });
      }
      // The demat account's holdings as Kite reports them (FakeKite.setHoldings): shares moved in or out outside the platform.
      if (req.method === 'POST' && req.url === '/kite/holdings') {
        kite.setHoldings(JSON.parse(raw).holdings);
        return reply(200, { holdings: kite.holdingsNow() });
      }
      if (req.method === 'POST' && req.url === '/kite/quote') {
        const { exchange, tradingsymbol, ltp, bid, ask } = JSON.parse(raw);
        kite.setQuote(exchange, tradingsymbol, { ltp, bid, ask });
        return reply(200, { ok: true });
      }
      reply(404, { error: 'unknown control route' });
    } catch (error) {
      reply(400, { error: String(error) });
    }
  });
});
await new Promise((resolve) => kiteControl.listen(port + 2, '127.0.0.1', resolve));

// Holding a backtest "running" whatever the machine's speed (support/backtest-hold.ts), as the
// API's int tests do: `pause` stops the worker taking backtest jobs; `hold` takes a key-share lock
// on the run's row in a transaction of its own (the run can be claimed, beat and asked to cancel,
// but cannot store its results) and lets the worker take jobs again; `release` ends that
// transaction (and lets jobs through, should the hold never have been taken).
let backtestHold = null;
async function backtestControl(action, body) {
  if (action === 'pause' || action === 'resume') {
    const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
    const q = new Queue('backtests', { connection, prefix: `${env.REDIS_PREFIX}:bull` });
    try {
      await (action === 'pause' ? q.pause() : q.resume());
    } finally {
      await q.close();
      connection.disconnect();
    }
    return { ok: true };
  }
  if (action === 'hold') {
    if (backtestHold) throw new Error('a backtest is already held');
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query('BEGIN');
    const locked = await client.query('SELECT id FROM backtests WHERE id = $1 FOR KEY SHARE', [body.id]);
    if (locked.rowCount !== 1) {
      await client.end();
      throw new Error(`no backtest ${body.id}`);
    }
    backtestHold = client;
    await backtestControl('resume');
    return { ok: true };
  }
  if (action === 'release') {
    const client = backtestHold;
    backtestHold = null;
    if (client) {
      await client.query('COMMIT');
      await client.end();
    }
    await backtestControl('resume');
    return { ok: true };
  }
  throw new Error(`unknown backtest action ${action}`);
}

const smtp = spawn(process.execPath, [join(root, 'infra/smtp/smtp-sink.mjs'), '--port', String(smtpPort), '--dir', smtpDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  smtp.stdout.on('data', (d) => String(d).includes('listening') && resolve());
  smtp.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code})`)));
});

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
  // The watchlist-trading test steers an instrument's price (POST /api/v1/admin/market/steer).
  MARKET_STEERING: 'true',
  // Uploaded models (the seeded demo model among them), outside the repository.
  MODEL_REGISTRY_DIR: join(tmpdir(), `tl-e2e-registry-${run}`),
  // Every browser test registers its users from 127.0.0.1 through the public API.
  REGISTER_MAX_PER_IP: '10000',
  REGISTER_MAX_GLOBAL: '100000',
  KITE_API_ROOT: kiteEndpoints.apiRoot,
  KITE_LOGIN_URL: kiteEndpoints.loginUrl,
  KITE_WS_ROOT: kiteEndpoints.wsUrl,
  // The fake trades at any hour: orders go out as regular ones, not as after-market orders.
  KITE_AFTER_HOURS: 'regular',
  // The fake OpenAlgo serves its order stream on its own port at /ws.
  OPENALGO_WS_PORT: '0',
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
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
  await backtestHold?.end().catch(() => undefined);
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map(finished));
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  rmSync(env.MODEL_REGISTRY_DIR, { recursive: true, force: true });
  kiteControl.close();
  smtp.kill('SIGTERM');
  rmSync(smtpDir, { recursive: true, force: true });
  await kite.stop().catch(() => undefined);
  await openAlgo.stop().catch(() => undefined);
  rmSync(kiteBundle, { force: true });
  rmSync(openAlgoBundle, { force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for (const c of children) c.once('exit', () => void stop());
