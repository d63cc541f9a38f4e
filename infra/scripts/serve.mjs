#!/usr/bin/env node
// Runs the API and the worker side by side. If either dies, the other is stopped and we exit
// non-zero; Ctrl-C / SIGTERM is forwarded so both drain gracefully.
//
// `--api N --workers M` (docs/architecture.md "Scale-out"): N API processes on PORT+10.. and M
// workers (health on WORKER_HEALTH_PORT, +1, ...), with a small reverse proxy (lb-proxy.mjs) on
// PORT in front of the APIs. Then a process that dies is started again after a second: the others
// carry on meanwhile (the workers' leases move to the survivors), as a supervisor would.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProxy } from './lb-proxy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const scripts = {
  worker: join(root, 'apps/worker/dist/main.js'),
  api: join(root, 'apps/api/dist/main.js'),
};

function parseArgs(argv) {
  const out = { api: 1, workers: 1 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=');
    const key = { '--api': 'api', '--workers': 'workers' }[flag];
    if (!key) throw new Error(`unknown option ${argv[i]} (use --api N --workers M)`);
    const value = Number(inline ?? argv[++i]);
    if (!Number.isInteger(value) || value < 1 || value > 8) throw new Error(`${flag} takes a whole number from 1 to 8`);
    out[key] = value;
  }
  return out;
}

let counts;
try {
  counts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`[tradeloop] ${err.message}`);
  process.exit(2);
}
const scaled = counts.api > 1 || counts.workers > 1;
const port = Number(process.env.PORT ?? 3000);
const healthPort = Number(process.env.WORKER_HEALTH_PORT ?? 3001);

/** name → { script, env } of every process to run. */
const plan = new Map();
if (!scaled) {
  plan.set('worker', { script: scripts.worker, env: {} });
  plan.set('api', { script: scripts.api, env: {} });
} else {
  for (let i = 0; i < counts.workers; i += 1)
    plan.set(`worker-${i + 1}`, { script: scripts.worker, env: { WORKER_HEALTH_PORT: String(healthPort + i) } });
  for (let i = 0; i < counts.api; i += 1)
    plan.set(`api-${i + 1}`, { script: scripts.api, env: { PORT: String(port + 10 + i), TRUST_PROXY: 'true', METRICS_PORT: '' } });
}

const children = new Map();
let stopping = false;
let proxy = null;

function stopAll(signal) {
  stopping = true;
  proxy?.close();
  for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
  if (children.size === 0) process.exit(process.exitCode ?? 0);
}

function run(name) {
  const { script, env } = plan.get(name);
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === '') delete childEnv[k];
  // A larger young generation means fewer scavenges under request load (bench/README.md).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', script], { stdio: 'inherit', env: childEnv });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping && scaled) {
      console.error(`[tradeloop] ${name} exited (${signal ?? code}); starting it again in 1 s (the others carry on)`);
      setTimeout(() => !stopping && run(name), 1000).unref();
      return;
    }
    if (!stopping) {
      console.error(`[tradeloop] ${name} exited (${signal ?? code}); stopping the rest`);
      process.exitCode = 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

for (const name of plan.keys()) run(name);
if (scaled) {
  const targets = [...plan.values()].filter((p) => p.script === scripts.api).map((p) => ({ host: '127.0.0.1', port: Number(p.env.PORT) }));
  proxy = createProxy(targets, { log: (m) => console.error(`[tradeloop] ${m}`) });
  proxy.listen(port, process.env.HOST === '127.0.0.1' ? '127.0.0.1' : '0.0.0.0', () =>
    console.error(
      `[tradeloop] ${counts.api} API (ports ${targets.map((t) => t.port).join(', ')}) and ${counts.workers} worker processes ` +
        `(health ${[...Array(counts.workers).keys()].map((i) => healthPort + i).join(', ')}), proxied on http://localhost:${port}`,
    ),
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stopAll('SIGTERM'));
