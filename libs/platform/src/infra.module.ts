import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from './config';
import { Db, createDataSource } from './db';
import { closeRedis, createRedis } from './redis';
import { LOGGER, METRICS, createLogger, createMetrics } from './observability';

export const REDIS = Symbol('REDIS');

export interface InfraOptions {
  /** Names the process in logs, metrics, Postgres application_name and Redis client names. */
  appName: 'api' | 'worker' | 'cli';
  logger?: Logger;
}

/**
 * Process-wide infrastructure: config, logger, metrics, the Postgres pool and a Redis command
 * connection. Both apps import it once; it closes its connections on shutdown.
 */
@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  static forRoot(config: AppConfig, options: InfraOptions): DynamicModule {
    const logger = options.logger ?? createLogger(config.LOG_LEVEL, options.appName);
    return {
      module: InfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: createMetrics(options.appName) },
        {
          provide: Db,
          useFactory: async () => {
            const ds = createDataSource({
              url: config.DATABASE_URL,
              poolSize: config.DATABASE_POOL_SIZE,
              applicationName: `tradeloop-${options.appName}`,
            });
            await ds.initialize();
            return new Db(ds);
          },
        },
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, 'commands', `tradeloop-${options.appName}`) },
      ],
      exports: [APP_CONFIG, LOGGER, METRICS, Db, REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
    if (this.db.dataSource.isInitialized) await this.db.dataSource.destroy();
  }
}
