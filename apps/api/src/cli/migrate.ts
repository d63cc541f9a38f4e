import { ConfigError, createDataSource, runMigrations } from '@tradeloop/platform';

/** `npm run db:migrate`: applies pending migrations. Needs DATABASE_URL only. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError(['DATABASE_URL is required: Postgres connection URL.']);
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'tradeloop-migrate' });
  await ds.initialize();
  try {
    const applied = await runMigrations(ds);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
