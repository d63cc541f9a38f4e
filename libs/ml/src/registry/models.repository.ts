import { Inject, Injectable } from '@nestjs/common';
import type { ModelCard, ModelDto, ModelStage } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import type { LiveModelSource } from '../signals/live-model';

export interface ModelRow {
  id: string;
  name: string;
  version: string;
  stage: ModelStage;
  feature_set_version: string;
  card: ModelCard;
  checksum: string;
  size_bytes: number;
  artifact: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A live model as the signal engine and the inference service need it. */
export interface LiveModelRow extends LiveModelSource {
  checksum: string;
  artifact: string;
}

const COLUMNS = `id, name, version, stage, feature_set_version, card, checksum, size_bytes, artifact, created_by, created_at, updated_at`;

export const toModelDto = (r: ModelRow): ModelDto => ({
  id: r.id,
  name: r.name,
  version: r.version,
  stage: r.stage,
  featureSetVersion: r.feature_set_version,
  metrics: r.card.metrics,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

export const toLiveModel = (r: ModelRow): LiveModelRow => ({ id: r.id, name: r.name, version: r.version, stage: r.stage, card: r.card, checksum: r.checksum, artifact: r.artifact });

@Injectable()
export class ModelsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async insert(sql: Sql, m: { id: string; name: string; version: string; featureSetVersion: string; card: ModelCard; checksum: string; sizeBytes: number; artifact: string; createdBy: string | null }): Promise<ModelRow | null> {
    return (
      (await sql.maybeOne<ModelRow>(
        `INSERT INTO models (id, name, version, stage, feature_set_version, card, checksum, size_bytes, artifact, created_by)
         VALUES ($1, $2, $3, 'staging', $4, $5, $6, $7, $8, $9)
         ON CONFLICT (name, version) DO NOTHING RETURNING ${COLUMNS}`,
        [m.id, m.name, m.version, m.featureSetVersion, JSON.stringify(m.card), m.checksum, m.sizeBytes, m.artifact, m.createdBy],
      )) ?? null
    );
  }

  async byId(id: string, sql: Sql = this.db.sql, opts: { lock?: boolean } = {}): Promise<ModelRow | undefined> {
    return sql.maybeOne<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]);
  }

  async byNameVersion(name: string, version: string): Promise<ModelRow | undefined> {
    return this.db.sql.maybeOne<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE name = $1 AND version = $2`, [name, version]);
  }

  async list(): Promise<ModelRow[]> {
    return this.db.sql.rows<ModelRow>(`SELECT ${COLUMNS} FROM models ORDER BY name, created_at DESC`);
  }

  /** Production and shadow models: what the live loop runs. */
  async liveModels(): Promise<LiveModelRow[]> {
    return (await this.db.sql.rows<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE stage IN ('production', 'shadow') ORDER BY name, stage`)).map(toLiveModel);
  }

  /** The production model of `name`, locked (the caller is in a transaction holding the name's lock). */
  async productionOf(sql: Sql, name: string): Promise<ModelRow | undefined> {
    return sql.maybeOne<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE name = $1 AND stage = 'production' FOR UPDATE`, [name]);
  }

  async setStage(sql: Sql, id: string, from: ModelStage | null, to: ModelStage, actorId: string | null, reason: string): Promise<ModelRow> {
    const row = await sql.one<ModelRow>(`UPDATE models SET stage = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, to]);
    await this.recordStageChange(sql, id, from, to, actorId, reason);
    return row;
  }

  /** One line of a model's stage history (registration is the change from nothing to staging). */
  async recordStageChange(sql: Sql, id: string, from: ModelStage | null, to: ModelStage, actorId: string | null, reason: string): Promise<void> {
    await sql.rows(`INSERT INTO model_stage_changes (model_id, from_stage, to_stage, actor_id, reason) VALUES ($1, $2, $3, $4, $5)`, [id, from, to, actorId, reason]);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.sql.maybeOne(`SELECT 1 FROM models WHERE id = $1`, [id])) !== undefined;
  }

  async stageHistory(id: string): Promise<{ from_stage: ModelStage | null; to_stage: ModelStage; actor_id: string | null; reason: string; at: Date }[]> {
    return this.db.sql.rows(`SELECT from_stage, to_stage, actor_id, reason, at FROM model_stage_changes WHERE model_id = $1 ORDER BY id`, [id]);
  }
}
