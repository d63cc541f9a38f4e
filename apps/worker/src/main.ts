import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import {
  createLogger,
  Db,
  exitGracefullyOnSignals,
  exitOnStartupFailure,
  loadConfigOrExit,
  METRICS,
  PinoNestLogger,
  REDIS,
  WorkerHost,
  type Metrics,
} from '@tradeloop/platform';
import { WorkerModule } from './worker.module';
import { createHealthServer } from './health/health-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit('worker');
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

  exitGracefullyOnSignals({
    app: 'worker',
    logger,
    // Draining may take the whole grace period; leave a margin for closing connections.
    deadlineMs: config.SHUTDOWN_GRACE_MS + 5000,
    // Readiness keeps answering (503 "draining") until the jobs in flight are done.
    stop: async () => {
      await app.close();
      health.close();
    },
  });
}

main().catch(exitOnStartupFailure('worker'));
