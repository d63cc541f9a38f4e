import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  applicationName: string;
}

/**
 * The one way every process (api, worker, CLI, tests) connects to Postgres. Schema changes go
 * through migrations only: `synchronize` is off and must stay off.
 */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    applicationName: opts.applicationName,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
    extra: {
      max: opts.poolSize,
      // Fail fast instead of queueing forever when the pool is exhausted or Postgres is gone.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      statement_timeout: 30000,
    },
  });
}

/**
 * Runs pending migrations under a Postgres advisory lock so two processes starting together
 * (api and worker, or two api replicas) cannot race each other through the same migration.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['tradeloop:migrations']);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', ['tradeloop:migrations']).catch(() => undefined);
    await runner.release();
  }
}
