import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Watchlist trading (docs/watchlist-trading.md).
 *
 * - `trading_settings`: one row per tier instance, its sparse values as JSON. `id` names the tier:
 *   `global`, `index:<UNDERLYING>`, `watchlist:<id>`, `user:<id>`, `symbol:<user id>:<SYMBOL>`.
 *   Global and index profiles belong to nobody (admins edit them); the rest to `owner_user_id`.
 *   Seeded: the global defaults and the NIFTY / BANKNIFTY profiles' strike steps.
 * - `trade_intents`: one row per click, keyed by the client's intent id within its user; the body's
 *   hash decides replay (same) vs conflict (different); the answer is stored when complete.
 * - `trade_legs`: a contract held through a watchlist row (user, watchlist, contract, product), with
 *   the settings snapshot of its latest intent and its exit state (armed, stop, best price), and a
 *   `generation` that grows each time the leg opens from flat (risk exit trigger ids use it).
 * - `trade_leg_accounts`: the leg's target position on each account it fans out to. The net
 *   quantity and average entry are not stored: they come from the fills of the leg's orders.
 * - `orders.leg_id` / `orders.intent_id`: which leg and click an order carries a delta for.
 * - `risk_exits`: fired exits, unique by trigger id (a breach seen twice exits once).
 */
export class WatchlistTrading1763818800000 implements MigrationInterface {
  name = 'WatchlistTrading1763818800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trading_settings (
        id text PRIMARY KEY CHECK (id ~ '^(global|index:[A-Z0-9&_-]{1,40}|watchlist:[0-9a-f-]{36}|user:[0-9a-f-]{36}|symbol:[0-9a-f-]{36}:.{1,40})$'),
        tier text NOT NULL CHECK (tier IN ('global', 'index', 'watchlist', 'user', 'symbol')),
        owner_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        "values" jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof("values") = 'object'),
        updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((tier IN ('global', 'index')) = (owner_user_id IS NULL))
      );
      INSERT INTO trading_settings (id, tier, "values") VALUES
        ('global', 'global', '{"strikePolicy": "FLOAT_OFS", "stepLots": 1, "product": "MIS", "tslEnabled": false, "maxLotsPerLeg": 10}'),
        ('index:NIFTY', 'index', '{"strikeStep": "50"}'),
        ('index:BANKNIFTY', 'index', '{"strikeStep": "100"}');

      CREATE TABLE trade_intents (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        intent_id uuid NOT NULL,
        watchlist_id uuid NOT NULL,
        action text NOT NULL,
        body_hash text NOT NULL CHECK (length(body_hash) = 64),
        body jsonb NOT NULL,
        resolved_settings jsonb NOT NULL,
        instrument_symbol text REFERENCES instruments (symbol),
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, intent_id),
        CHECK ((response IS NULL) = (completed_at IS NULL))
      );

      CREATE TABLE trade_legs (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        watchlist_id uuid NOT NULL,
        row_symbol text NOT NULL REFERENCES instruments (symbol),
        symbol text NOT NULL REFERENCES instruments (symbol),
        kind text NOT NULL CHECK (kind IN ('EQ', 'FUT', 'CE', 'PE')),
        product text NOT NULL CHECK (product IN ('MIS', 'CNC', 'NRML')),
        settings jsonb NOT NULL,
        generation int NOT NULL DEFAULT 1 CHECK (generation >= 1),
        tsl_armed boolean NOT NULL DEFAULT false,
        tsl_stop_ticks bigint,
        tsl_best_ticks bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, watchlist_id, symbol, product),
        CHECK (tsl_armed = (tsl_stop_ticks IS NOT NULL))
      );
      CREATE INDEX trade_legs_symbol_idx ON trade_legs (symbol);

      CREATE TABLE trade_leg_accounts (
        leg_id uuid NOT NULL REFERENCES trade_legs (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES broker_accounts (id),
        target_quantity int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (leg_id, account_id)
      );

      ALTER TABLE orders ADD COLUMN leg_id uuid REFERENCES trade_legs (id), ADD COLUMN intent_id uuid;
      CREATE INDEX orders_leg_idx ON orders (leg_id, account_id) WHERE leg_id IS NOT NULL;

      CREATE TABLE risk_exits (
        id uuid PRIMARY KEY,
        trigger_id text NOT NULL UNIQUE CHECK (length(trigger_id) BETWEEN 1 AND 200),
        leg_id uuid NOT NULL REFERENCES trade_legs (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('TP', 'SL', 'TSL')),
        trigger_price_ticks bigint NOT NULL,
        level_ticks bigint NOT NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'triggered' CHECK (status IN ('triggered', 'sent')),
        order_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      );
      CREATE INDEX risk_exits_user_idx ON risk_exits (user_id, created_at DESC, id);
      CREATE INDEX risk_exits_pending_idx ON risk_exits (created_at) WHERE status = 'triggered';

      ALTER TABLE risk_events DROP CONSTRAINT risk_events_kind_check;
      ALTER TABLE risk_events ADD CONSTRAINT risk_events_kind_check
        CHECK (kind IN ('REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED', 'DRIFT', 'RISK_EXIT'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM risk_events WHERE kind = 'RISK_EXIT';
      ALTER TABLE risk_events DROP CONSTRAINT risk_events_kind_check;
      ALTER TABLE risk_events ADD CONSTRAINT risk_events_kind_check CHECK (kind IN ('REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED', 'DRIFT'));
      DROP TABLE risk_exits;
      DROP INDEX orders_leg_idx;
      ALTER TABLE orders DROP COLUMN intent_id, DROP COLUMN leg_id;
      DROP TABLE trade_leg_accounts;
      DROP TABLE trade_legs;
      DROP TABLE trade_intents;
      DROP TABLE trading_settings;
    `);
  }
}
