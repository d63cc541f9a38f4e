import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_ENGINE_A_CONFIG,
  DEFAULT_ENGINE_B_CONFIG,
  DEFAULT_EXIT_TIER_CONFIG,
  type EngineAConfig,
  type EngineBConfig,
  type ExitTierConfig,
} from '@tradeloop/domain';
import { Db, type Sql } from '@tradeloop/platform';

/** A user's engine configuration (docs/alerts.md "Engines"): engine A's rules, engine B's agents, the exit tiers. */
export interface EngineConfig {
  a: EngineAConfig;
  b: EngineBConfig;
  exit: ExitTierConfig;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = Object.freeze({
  a: DEFAULT_ENGINE_A_CONFIG,
  b: DEFAULT_ENGINE_B_CONFIG,
  exit: DEFAULT_EXIT_TIER_CONFIG,
});

/** Stored as JSON: the bigint paise limits as decimal strings. */
const toJson = (c: EngineConfig): string => JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

const limitsOf = (l: { maxOpenPositions: number; maxExposure: string }) => ({
  maxOpenPositions: l.maxOpenPositions,
  maxExposure: BigInt(l.maxExposure),
});

type Stored = {
  a: Omit<EngineAConfig, 'limits'> & { limits: { maxOpenPositions: number; maxExposure: string } };
  b: Omit<EngineBConfig, 'limits'> & { limits: { maxOpenPositions: number; maxExposure: string } };
  exit: ExitTierConfig;
};

const fromJson = (s: Stored): EngineConfig => ({
  a: { ...s.a, limits: limitsOf(s.a.limits) },
  b: { ...s.b, limits: limitsOf(s.b.limits) },
  exit: s.exit,
});

/** SQL for `engine_configs` (migration 1763826600000): one document per user; none → the defaults. */
@Injectable()
export class EngineConfigsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async get(userId: string, sql: Sql = this.db.sql): Promise<{ config: EngineConfig; updatedAt: Date | null }> {
    const r = await sql.maybeOne<{ config: Stored; updated_at: Date }>(`SELECT config, updated_at FROM engine_configs WHERE user_id = $1`, [
      userId,
    ]);
    return r ? { config: fromJson(r.config), updatedAt: r.updated_at } : { config: DEFAULT_ENGINE_CONFIG, updatedAt: null };
  }

  async put(userId: string, config: EngineConfig, sql: Sql = this.db.sql): Promise<Date> {
    const r = await sql.one<{ updated_at: Date }>(
      `INSERT INTO engine_configs (user_id, config) VALUES ($1, $2::jsonb)
       ON CONFLICT (user_id) DO UPDATE SET config = EXCLUDED.config, updated_at = now() RETURNING updated_at`,
      [userId, toJson(config)],
    );
    return r.updated_at;
  }
}
