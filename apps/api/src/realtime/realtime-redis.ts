import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, closeRedis, createRedis, type AppConfig } from '@tradeloop/platform';

/** The publish/subscribe connection pair the Socket.IO Redis adapter needs, closed on shutdown. */
@Injectable()
export class RealtimeRedis implements OnApplicationShutdown {
  readonly pub: Redis;
  readonly sub: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-api-io-pub');
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-api-io-sub');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
