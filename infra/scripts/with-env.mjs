#!/usr/bin/env node
// Runs a command with the local env files loaded (.local/secrets.env, .local/services.env).
// Variables already set in the environment win, so DATABASE_URL / REDIS_URL overrides work.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const stateDir = process.env.TRADELOOP_STATE_DIR ?? join(root, '.local');
for (const file of ['services.env', 'secrets.env']) {
  const path = join(stateDir, file);
  if (existsSync(path)) process.loadEnvFile(path);
}
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-env.mjs <command> [args...]');
  process.exit(2);
}
const child = spawn(cmd, args, { stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
