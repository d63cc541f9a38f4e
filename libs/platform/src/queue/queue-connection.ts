import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config';
import { createRedis } from '../redis';

/**
 * Api (producer) and worker (consumer) build their BullMQ connection here, so both always agree
 * on the Redis, the key prefix and the retry policy.
 */
export function queueConnection(config: AppConfig, name: string): ConnectionOptions {
  return createRedis(config.REDIS_URL, 'queue', `tradeloop-${name}`);
}

export const queuePrefix = (config: AppConfig): string => `${config.REDIS_PREFIX}:bull`;
