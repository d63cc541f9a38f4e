import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { ConfigError, createLogger, Db, loadConfig, METRICS, PinoNestLogger, REDIS, WorkerHost, type Metrics } from '@tradeloop/server';
import { WorkerModule } from './worker.module';
import { createHealthServer } from './health/health-server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tradeloop worker: ${err.message}\nSee README.md "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await app.init();
  const health = createHealthServer({
    db: app.get(Db),
    redis: app.get<Redis>(REDIS),
    host: app.get(WorkerHost),
    metrics: app.get<Metrics>(METRICS),
  });
  health.listen(config.WORKER_HEALTH_PORT, config.HOST);
  logger.info({ healthPort: config.WORKER_HEALTH_PORT }, 'worker started');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down: finishing in-flight jobs');
    // Hard stop only if draining outlives the grace period plus a margin for closing connections.
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 5000).unref();
    app
      .close()
      .then(() => {
        health.close();
        logger.info('worker process exiting');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`tradeloop worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
