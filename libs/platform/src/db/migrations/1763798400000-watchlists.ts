import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Watchlists: each user's named, ordered lists of instruments. Names are unique per user
 * regardless of case. An instrument removed from the master leaves every list it was on.
 */
export class Watchlists1763798400000 implements MigrationInterface {
  name = 'Watchlists1763798400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE watchlists (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 40 AND name = btrim(name)),
        position int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX watchlists_user_name_key ON watchlists (user_id, lower(name));
      CREATE INDEX watchlists_user_position_idx ON watchlists (user_id, position);

      CREATE TABLE watchlist_items (
        watchlist_id uuid NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
        symbol text NOT NULL REFERENCES instruments (symbol) ON DELETE CASCADE,
        position int NOT NULL,
        PRIMARY KEY (watchlist_id, symbol),
        CONSTRAINT watchlist_items_position_key UNIQUE (watchlist_id, position)
      );
      -- Deleting an instrument finds the rows to cascade to without a scan.
      CREATE INDEX watchlist_items_symbol_idx ON watchlist_items (symbol);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE watchlist_items; DROP TABLE watchlists;`);
  }
}
