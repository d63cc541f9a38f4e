// Shared helpers for benchmarks: an isolated database, process control, and reporting.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createServer } from 'node:net';
import pg from 'pg';

export const machine = () => ({
  cpu: cpus()[0]?.model?.trim(),
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh, migrated database for one benchmark run (dropped by `dropDatabase`). */
export async function createBenchDatabase(name) {
  const { createDataSource, runMigrations } = await import('@tradeloop/platform');
  const admin = new pg.Client({ connectionString: withDatabase(process.env.DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(process.env.DATABASE_URL, name);
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'bench-setup' });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();
  return url;
}

export async function dropDatabase(name) {
  const admin = new pg.Client({ connectionString: withDatabase(process.env.DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function startNode(script, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitFor(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}`);
}

export const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));
