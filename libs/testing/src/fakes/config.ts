import { loadConfig, type AppConfig } from '@tradeloop/platform';

/**
 * A valid configuration for tests that touch no database, Redis or file system: the URLs are
 * never dialled, and the secrets are fixed so results do not vary between runs.
 */
export function fakeConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://fake:fake@127.0.0.1:1/fake',
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_PREFIX: 'fake',
    JWT_ACCESS_SECRET: 'unit-tests-only-secret-0123456789abcdef',
    MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    BROKER_CREDENTIALS_KEYS: `unit:${Buffer.alloc(32, 9).toString('base64')}`,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
