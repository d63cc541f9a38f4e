/**
 * Connection settings for tests. `npm test` starts the local Postgres and Redis and exports
 * their URLs; a developer may point tests elsewhere with DATABASE_URL / REDIS_URL.
 */
export function serviceUrls(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    throw new Error(
      'Integration tests need DATABASE_URL and REDIS_URL. Run them through `npm test` (which starts ' +
        'Postgres and Redis), or `node infra/scripts/with-env.mjs npx vitest run --project int`.',
    );
  }
  return { databaseUrl, redisUrl };
}

/** The same server, another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
