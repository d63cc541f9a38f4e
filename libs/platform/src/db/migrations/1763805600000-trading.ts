import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders, their history, trades (fills), positions, risk limits, kill switches and risk events
 * (docs/domain.md, "Orders and their states", "Fills and positions", "Risk"). Prices in 1/10000-rupee ticks, money in
 * paise, trade values (quantity × ticks) as numeric: never floats.
 *
 * Exactly-once fills: a trade is unique per (broker, broker_trade_id), and it is inserted in the
 * same transaction as its ledger postings, position and order update. History and trades are
 * append-only.
 */
export class Trading1763805600000 implements MigrationInterface {
  name = 'Trading1763805600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        symbol text NOT NULL REFERENCES instruments(symbol),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        type text NOT NULL CHECK (type IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
        product text NOT NULL CHECK (product IN ('MIS', 'CNC', 'NRML')),
        validity text NOT NULL CHECK (validity IN ('DAY', 'IOC')),
        quantity int NOT NULL CHECK (quantity > 0),
        price_ticks bigint CHECK (price_ticks > 0),
        trigger_ticks bigint CHECK (trigger_ticks > 0),
        status text NOT NULL CHECK (status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED')),
        filled_quantity int NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
        filled_value numeric(38, 0) NOT NULL DEFAULT 0 CHECK (filled_value >= 0),
        -- The reservation basis (domain ReservationBasis), fixed at placement.
        reference_price_ticks bigint NOT NULL CHECK (reference_price_ticks > 0),
        short_quantity int NOT NULL DEFAULT 0 CHECK (short_quantity >= 0),
        reserved_paise bigint NOT NULL DEFAULT 0 CHECK (reserved_paise >= 0),
        client_tag text,
        strategy_id text,
        broker text NOT NULL,
        broker_order_ids text[] NOT NULL DEFAULT '{}',
        reject_reason text,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1
      );
      CREATE INDEX orders_user_created ON orders (user_id, created_at DESC, id);
      CREATE INDEX orders_open ON orders (user_id, symbol) WHERE status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED');
      CREATE INDEX orders_unfinished ON orders (created_at) WHERE status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED');
      CREATE INDEX orders_broker_ids ON orders USING gin (broker_order_ids);

      CREATE TABLE order_events (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        status text NOT NULL,
        event text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX order_events_order ON order_events (order_id, id);
      CREATE TRIGGER order_events_no_update BEFORE UPDATE OR DELETE ON order_events FOR EACH ROW EXECUTE FUNCTION reject_mutation();

      CREATE TABLE trades (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        user_id uuid NOT NULL REFERENCES users(id),
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        product text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        price_ticks bigint NOT NULL CHECK (price_ticks > 0),
        value_paise bigint NOT NULL,
        fees_paise bigint NOT NULL,
        taxes_paise bigint NOT NULL,
        charges jsonb NOT NULL,
        -- Change in the position's realized P&L this fill made (ticks·units): today's realized P&L is their sum.
        realized_delta numeric(38, 0) NOT NULL,
        broker text NOT NULL,
        broker_trade_id text NOT NULL,
        executed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (broker, broker_trade_id)
      );
      CREATE INDEX trades_user_executed ON trades (user_id, executed_at DESC, id);
      CREATE INDEX trades_order ON trades (order_id);
      CREATE TRIGGER trades_no_update BEFORE UPDATE OR DELETE ON trades FOR EACH ROW EXECUTE FUNCTION reject_mutation();

      CREATE TABLE positions (
        user_id uuid NOT NULL REFERENCES users(id),
        symbol text NOT NULL REFERENCES instruments(symbol),
        product text NOT NULL CHECK (product IN ('MIS', 'CNC', 'NRML')),
        net_quantity int NOT NULL,
        lot_cost numeric(38, 0) NOT NULL,
        lot_quantity int NOT NULL,
        lot_closed_quantity int NOT NULL,
        lot_closed_cash_flow numeric(38, 0) NOT NULL,
        realized_before_lot numeric(38, 0) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, symbol, product)
      );

      CREATE TABLE risk_limits (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        max_order_value_paise bigint NOT NULL CHECK (max_order_value_paise >= 0),
        max_position_value_paise bigint NOT NULL CHECK (max_position_value_paise >= 0),
        max_open_orders int NOT NULL CHECK (max_open_orders >= 0),
        max_daily_loss_paise bigint NOT NULL CHECK (max_daily_loss_paise >= 0),
        max_orders_per_minute int NOT NULL CHECK (max_orders_per_minute >= 0),
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE kill_switches (
        scope text NOT NULL CHECK (scope IN ('global', 'user', 'strategy')),
        scope_id text NOT NULL DEFAULT '',
        engaged boolean NOT NULL,
        reason text,
        changed_by uuid REFERENCES users(id),
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, scope_id)
      );

      CREATE TABLE risk_events (
        id bigserial PRIMARY KEY,
        user_id uuid REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED')),
        rule text NOT NULL,
        detail text NOT NULL,
        order_id uuid,
        context jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX risk_events_user ON risk_events (user_id, id DESC);

      -- The mock broker's own books, in a schema of their own: it plays an external system, so
      -- its state must outlive our worker (libs/brokers MockBrokerStore).
      CREATE SCHEMA mock_broker;
      CREATE SEQUENCE mock_broker.order_seq;
      CREATE SEQUENCE mock_broker.trade_seq;
      CREATE TABLE mock_broker.orders (
        broker_order_id text PRIMARY KEY,
        seq bigint NOT NULL UNIQUE,
        tag text,
        exchange text NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL,
        type text NOT NULL,
        product text NOT NULL,
        validity text NOT NULL,
        quantity int NOT NULL,
        price bigint,
        trigger_price bigint,
        status text NOT NULL,
        filled_quantity int NOT NULL,
        filled_value numeric(38, 0) NOT NULL,
        fill_count int NOT NULL,
        reject_reason text,
        accepted_at bigint NOT NULL,
        live_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        version int NOT NULL
      );
      CREATE INDEX mock_broker_orders_tag ON mock_broker.orders (tag);
      CREATE INDEX mock_broker_orders_open ON mock_broker.orders (seq) WHERE status IN ('OPEN', 'TRIGGER_PENDING');
      CREATE TABLE mock_broker.trades (
        trade_id text PRIMARY KEY,
        seq bigint NOT NULL UNIQUE,
        broker_order_id text NOT NULL REFERENCES mock_broker.orders(broker_order_id),
        exchange text NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL,
        product text NOT NULL,
        quantity int NOT NULL,
        price bigint NOT NULL,
        ts bigint NOT NULL
      );
      CREATE INDEX mock_broker_trades_order ON mock_broker.trades (broker_order_id, seq);
      CREATE TRIGGER risk_events_no_update BEFORE UPDATE OR DELETE ON risk_events FOR EACH ROW EXECUTE FUNCTION reject_mutation();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP SCHEMA mock_broker CASCADE; DROP TABLE risk_events, kill_switches, risk_limits, positions, trades, order_events, orders`,
    );
  }
}
