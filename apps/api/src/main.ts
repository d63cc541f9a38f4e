import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnStartupFailure, Lifecycle, loadConfigOrExit } from '@tradeloop/platform';
import { createApi } from './bootstrap/create-api';

async function main(): Promise<void> {
  const config = loadConfigOrExit('api');
  const { app, logger, metricsServer } = await createApi(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  if (metricsServer) metricsServer.listen(config.METRICS_PORT, config.HOST);
  logger.info({ port: config.PORT, metricsPort: config.METRICS_PORT }, 'api listening');

  exitGracefullyOnSignals({
    app: 'api',
    logger,
    deadlineMs: config.SHUTDOWN_GRACE_MS,
    // Readiness turns 503 first; then Fastify stops accepting, finishes in-flight requests, and
    // Nest closes the queue, Redis and Postgres connections.
    stop: async () => {
      app.get(Lifecycle).beginShutdown();
      metricsServer?.close();
      await app.close();
    },
  });
}

main().catch(exitOnStartupFailure('api'));
