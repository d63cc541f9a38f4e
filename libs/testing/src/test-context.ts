import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { loadConfig, type AppConfig } from '@tradeloop/platform';
import { serviceUrls, withDatabase } from './env';

export interface TestContext {
  config: AppConfig;
  /** Environment variables equivalent to `config`, for spawning real processes. */
  env: Record<string, string>;
  databaseUrl: string;
  /** Drops this file's database and Redis keys. */
  cleanup(): Promise<void>;
}

/**
 * An isolated world for one test file: a fresh database cloned from the migrated template and
 * a Redis key prefix nobody else uses. Secrets are generated per file.
 */
export async function createTestContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const { databaseUrl: base, redisUrl } = serviceUrls();
  const suffix = randomBytes(4).toString('hex');
  const database = `tl_t_${inject('runId')}_${suffix}`;
  const admin = new Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${inject('templateDatabase')}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = withDatabase(base, database);
  const prefix = `t${suffix}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    JWT_ACCESS_SECRET: randomBytes(32).toString('base64url'),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BROKER_CREDENTIALS_KEYS: `t1:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'silent',
    WEB_DIST_DIR: '/nonexistent',
    SHUTDOWN_GRACE_MS: '10000',
    HOST: '127.0.0.1',
    // Uploaded models of this file, out of the repository.
    MODEL_REGISTRY_DIR: join(tmpdir(), `tl-registry-${suffix}`),
    // Test files register many users from 127.0.0.1; the registration limits have their own test
    // (apps/api/test/register-limits.int-spec.ts), which passes small budgets as overrides.
    REGISTER_MAX_PER_IP: '100000',
    REGISTER_MAX_GLOBAL: '1000000',
    ...overrides,
  };
  const config = loadConfig(env);
  return {
    config,
    env,
    databaseUrl,
    async cleanup() {
      await deleteRedisPrefix(redisUrl, prefix);
      await rm(env.MODEL_REGISTRY_DIR!, { recursive: true, force: true });
    },
  };
}

async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
