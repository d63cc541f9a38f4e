import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { MIGRATIONS } from '@tradeloop/platform';
import { serviceUrls, withDatabase } from '@tradeloop/testing';

/**
 * 1763814600000 creates broker accounts and gives every existing user a paper account as their
 * default (docs/domain.md "Accounts and books"). Run on a database migrated up to just before it,
 * holding users: each gets exactly one, and the ids are UUIDv7 built in SQL.
 */
const MINE = MIGRATIONS.findIndex((m) => m.name === 'BrokerAccounts1763814600000');
const { databaseUrl } = serviceUrls();
const name = `tl_t_bamig_${randomBytes(4).toString('hex')}`;
const url = withDatabase(databaseUrl, name);

const admin = async (text: string) => {
  const c = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
};
const migrateTo = async (count: number) => {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS.slice(0, count),
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
  });
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
};

beforeAll(async () => {
  await admin(`CREATE DATABASE ${name}`);
});
afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('migration 1763814600000 (broker accounts)', () => {
  it('gives every existing user one paper account, their default, with a UUIDv7 id', async () => {
    expect(MINE).toBeGreaterThan(0);
    await migrateTo(MINE);
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const users = [uuidv7(), uuidv7(), uuidv7()];
      for (const [i, id] of users.entries()) {
        await c.query(`INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, 'U', 'x')`, [id, `u${i}@example.test`]);
      }
      await migrateTo(MINE + 1);
      const accounts = await c.query<{
        id: string;
        owner_user_id: string;
        kind: string;
        status: string;
        paper_balance_paise: string;
        is_default: boolean;
      }>(
        `SELECT a.id, a.owner_user_id, a.kind, a.status, a.paper_balance_paise::text AS paper_balance_paise,
                EXISTS (SELECT 1 FROM broker_account_defaults d WHERE d.user_id = a.owner_user_id AND d.account_id = a.id) AS is_default
         FROM broker_accounts a ORDER BY a.owner_user_id`,
      );
      expect(accounts.rows.map((r) => r.owner_user_id).sort()).toEqual([...users].sort());
      for (const r of accounts.rows) {
        expect(r).toMatchObject({ kind: 'paper', status: 'connected', paper_balance_paise: '0', is_default: true });
        expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      // A second paper account for a user is refused by the partial unique index.
      await expect(
        c.query(
          `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, paper_balance_paise) VALUES ($1, $2, 'paper', 'Again', 'connected', 0)`,
          [uuidv7(), users[0]],
        ),
      ).rejects.toThrow(/broker_accounts_one_paper/);
    } finally {
      await c.end();
    }
  });
});
