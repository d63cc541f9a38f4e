import 'reflect-metadata';
import { ConfigError, Lifecycle, loadConfig } from '@tradeloop/server';
import { createApi } from './bootstrap/create-api';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tradeloop api: ${err.message}\nSee README.md "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const { app, logger, metricsServer } = await createApi(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  if (metricsServer) metricsServer.listen(config.METRICS_PORT, config.HOST);
  logger.info({ port: config.PORT, metricsPort: config.METRICS_PORT }, 'api listening');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Readiness turns 503 first; then Fastify stops accepting, finishes in-flight requests, and
    // Nest closes the queue, Redis and Postgres connections.
    app.get(Lifecycle).beginShutdown();
    logger.info({ signal }, 'api shutting down');
    setTimeout(() => {
      logger.error('shutdown grace period exceeded: exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS).unref();
    metricsServer?.close();
    app
      .close()
      .then(() => {
        logger.info('api stopped');
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
  process.stderr.write(`tradeloop api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
