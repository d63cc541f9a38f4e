import { Inject, Injectable } from '@nestjs/common';
import type { SettingsTierName, SettingsTierValues } from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

/** The tiers stored in `trading_settings` (the click tier is the request's `overrides`). */
export type StoredTier = Exclude<SettingsTierName, 'click'>;

/**
 * A tier instance's row id (migration 1763818800000): `global`, `index:<UNDERLYING>`,
 * `watchlist:<id>`, `user:<id>`, `symbol:<user id>:<SYMBOL>`.
 */
export const tierId = {
  global: () => 'global',
  index: (underlying: string) => `index:${underlying.toUpperCase()}`,
  watchlist: (watchlistId: string) => `watchlist:${watchlistId}`,
  user: (userId: string) => `user:${userId}`,
  symbol: (userId: string, symbol: string) => `symbol:${userId}:${symbol.toUpperCase()}`,
};

export interface SettingsRow {
  id: string;
  tier: StoredTier;
  values: Record<string, unknown>;
  updatedAt: Date | null;
}

interface Row {
  id: string;
  tier: StoredTier;
  values: Record<string, unknown>;
  updated_at: Date;
}

/** SQL for `trading_settings`: one row per tier instance, its sparse values as JSON. */
@Injectable()
export class SettingsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async get(id: string, sql: Sql = this.db.sql): Promise<SettingsRow | undefined> {
    const r = await sql.maybeOne<Row>(`SELECT id, tier, "values", updated_at FROM trading_settings WHERE id = $1`, [id]);
    return r && { id: r.id, tier: r.tier, values: r.values, updatedAt: r.updated_at };
  }

  /** Several tier instances in one round trip, by id (absent ones are missing from the map). */
  async many(ids: readonly string[], sql: Sql = this.db.sql): Promise<Map<string, SettingsTierValues>> {
    const rows = await sql.rows<Row>(`SELECT id, tier, "values", updated_at FROM trading_settings WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.values as SettingsTierValues]));
  }

  /** Replaces a tier's whole set (nulls dropped: a cleared key is simply absent). */
  async put(
    sql: Sql,
    row: { id: string; tier: StoredTier; ownerUserId: string | null; values: Record<string, unknown>; updatedBy: string },
  ): Promise<SettingsRow> {
    const values = Object.fromEntries(Object.entries(row.values).filter(([, v]) => v !== null && v !== undefined));
    const r = await sql.one<Row>(
      `INSERT INTO trading_settings (id, tier, owner_user_id, "values", updated_by, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, now())
       ON CONFLICT (id) DO UPDATE SET "values" = EXCLUDED."values", updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING id, tier, "values", updated_at`,
      [row.id, row.tier, row.ownerUserId, JSON.stringify(values), row.updatedBy],
    );
    return { id: r.id, tier: r.tier, values: r.values, updatedAt: r.updated_at };
  }
}
