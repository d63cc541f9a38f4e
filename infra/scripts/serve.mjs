#!/usr/bin/env node
// Runs the API and the worker side by side. If either dies, the other is stopped and we exit
// non-zero; Ctrl-C / SIGTERM is forwarded so both drain gracefully.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const apps = {
  worker: join(root, 'apps/worker/dist/main.js'),
  api: join(root, 'apps/api/dist/main.js'),
};
const children = new Map();
let stopping = false;

function stopAll(signal) {
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
}

for (const [name, script] of Object.entries(apps)) {
  // A larger young generation means fewer scavenges under request load (bench/README.md).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', script], { stdio: 'inherit', env: process.env });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[tradeloop] ${name} exited (${signal ?? code}); stopping the rest`);
      process.exitCode = 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stopAll('SIGTERM'));
