import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { createDataSource, runMigrations } from '@tradeloop/platform';
import { serviceUrls, withDatabase } from './env';

/**
 * Once per `vitest run`: migrate a template database. Each test file then clones it (a file-level
 * CREATE DATABASE ... TEMPLATE takes milliseconds), so files never share state and can run in
 * parallel. All databases of this run are dropped at the end.
 */
export default async function setup(project: TestProject) {
  const { databaseUrl } = serviceUrls();
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `tl_tpl_${runId}`;
  const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const ds = createDataSource({ url: withDatabase(databaseUrl, template), poolSize: 2, applicationName: 'tradeloop-test-setup' });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();
  project.provide('templateDatabase', template);
  project.provide('runId', runId);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
      `tl_t_${runId}_%`,
      template,
    ]);
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    await admin.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    runId: string;
  }
}
