import type { Logger } from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../config';

/**
 * Loads the config or stops the process with a message naming every bad variable (exit 2).
 * A missing secret must never let a process limp on with a default.
 */
export function loadConfigOrExit(app: string): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tradeloop ${app}: ${err.message}\nSee README.md "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * SIGTERM / SIGINT run `stop` once (repeated signals are ignored) and exit 0 when it completes,
 * or 1 when it fails or outlives `deadlineMs`.
 */
export function exitGracefullyOnSignals(opts: { app: string; logger: Logger; deadlineMs: number; stop: () => Promise<void> }): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    opts.logger.info({ signal }, `${opts.app} shutting down`);
    setTimeout(() => {
      opts.logger.error(`${opts.app}: shutdown grace period exceeded, exiting`);
      process.exit(1);
    }, opts.deadlineMs).unref();
    opts
      .stop()
      .then(() => {
        opts.logger.info(`${opts.app} stopped`);
        process.exit(0);
      })
      .catch((err: unknown) => {
        opts.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Last resort for a failure during start-up. */
export function exitOnStartupFailure(app: string) {
  return (err: unknown): never => {
    process.stderr.write(`tradeloop ${app} failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  };
}
