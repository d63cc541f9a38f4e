import { Client } from 'pg';

/**
 * Changes rows as a superuser behind the application's back — triggers off, the statement, triggers
 * on — so a test can show that `verify` notices what the immutability triggers would have refused.
 */
export async function tamper(databaseUrl: string, table: string, statement: string, params: unknown[]): Promise<void> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`ALTER TABLE ${table} DISABLE TRIGGER ALL`);
    await c.query(statement, params);
    await c.query(`ALTER TABLE ${table} ENABLE TRIGGER ALL`);
  } finally {
    await c.end();
  }
}
