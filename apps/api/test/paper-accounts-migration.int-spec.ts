import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { MIGRATIONS } from '@tradeloop/platform';
import { serviceUrls, withDatabase } from '@tradeloop/testing';

/**
 * 1763820000000 lets a user have several paper accounts (docs/domain.md "Accounts and books"):
 * every existing paper account becomes its owner's primary one; more paper accounts may be added,
 * but never a second primary, nor a primary that is not a user's own paper account. Down refuses
 * while a user has more than one paper account, and restores the one-per-user index otherwise.
 */
const MINE = MIGRATIONS.findIndex((m) => m.name === 'PaperAccounts1763820000000');
const { databaseUrl } = serviceUrls();
const name = `tl_t_papmig_${randomBytes(4).toString('hex')}`;
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
const dataSource = (count: number) =>
  new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS.slice(0, count),
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
  });
const migrateTo = async (count: number) => {
  const ds = dataSource(count);
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
};
const revertLast = async (count: number) => {
  const ds = dataSource(count);
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
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

describe('migration 1763820000000 (several paper accounts)', () => {
  it('marks existing paper accounts primary, allows more but one primary per user; down refuses extras, then restores the old index', async () => {
    expect(MINE).toBeGreaterThan(0);
    await migrateTo(MINE);
    const c = new Client({ connectionString: url });
    await c.connect();
    const paper = (id: string, owner: string, extra = '') =>
      c.query(
        `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status${extra ? ', primary_paper' : ''}) VALUES ($1, $2, 'paper', 'P', 'connected'${extra})`,
        [id, owner],
      );
    try {
      const users = [uuidv7(), uuidv7()];
      for (const [i, id] of users.entries()) {
        await c.query(`INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, 'U', 'x')`, [id, `u${i}@example.test`]);
      }
      const before = [uuidv7(), uuidv7()];
      for (const [i, id] of before.entries()) await paper(id, users[i]!);
      await c.query(
        `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, credentials_ciphertext, key_id) VALUES ($1, $2, 'kite', 'K', 'needs_login', 'v1.x', 'x')`,
        [uuidv7(), users[0]],
      );

      await migrateTo(MINE + 1);
      const rows = await c.query<{ id: string; kind: string; primary_paper: boolean }>(
        `SELECT id, kind, primary_paper FROM broker_accounts ORDER BY kind, id`,
      );
      expect(rows.rows.map((r) => [r.kind, r.primary_paper])).toEqual([
        ['kite', false],
        ['paper', true],
        ['paper', true],
      ]);

      // A second (added) paper account is fine now; a second primary is not, nor a primary live account.
      const added = uuidv7();
      await paper(added, users[0]!, ', false');
      await expect(paper(uuidv7(), users[0]!, ', true')).rejects.toThrow(/broker_accounts_primary_paper/);
      await expect(
        c.query(
          `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, credentials_ciphertext, key_id, primary_paper) VALUES ($1, $2, 'kite', 'K', 'needs_login', 'v1.x', 'x', true)`,
          [uuidv7(), users[1]],
        ),
      ).rejects.toThrow(/broker_accounts_primary_paper_kind/);
      await expect(
        c.query(
          `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status) VALUES ($1, NULL, 'paper', 'Firm paper', 'connected')`,
          [uuidv7()],
        ),
      ).rejects.toThrow(/broker_accounts_paper_owner/);

      // Down refuses while a user has two paper accounts, and changes nothing.
      await expect(revertLast(MINE + 1)).rejects.toThrow(/more than one paper account/);
      expect(
        (await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'broker_accounts' AND column_name = 'primary_paper'`))
          .rowCount,
      ).toBe(1);
      await c.query(`DELETE FROM broker_accounts WHERE id = $1`, [added]);
      await revertLast(MINE + 1);
      expect(
        (await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'broker_accounts' AND column_name = 'primary_paper'`))
          .rowCount,
      ).toBe(0);
      await expect(paper(uuidv7(), users[0]!)).rejects.toThrow(/broker_accounts_one_paper/);
    } finally {
      await c.end();
    }
  });
});
