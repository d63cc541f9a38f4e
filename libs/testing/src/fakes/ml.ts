import { createHash, randomUUID } from 'node:crypto';
import type { ModelCard, ModelStage } from '@tradeloop/contracts';
import type { Sql } from '@tradeloop/platform';
import type { ModelArtifactStore, ModelRow, ModelsRepository } from '@tradeloop/ml';
import type { FakeDb } from './db';

export interface FakeStageChange {
  modelId: string;
  from: ModelStage | null;
  to: ModelStage;
  actorId: string | null;
  reason: string;
}

/** The model registry's rows and stage history. (name, version) is unique, as in the table. */
export class FakeModels
  implements Pick<ModelsRepository, 'insert' | 'byId' | 'byNameVersion' | 'productionOf' | 'setStage' | 'recordStageChange' | 'exists'>
{
  readonly rows = new Map<string, ModelRow>();
  readonly history: FakeStageChange[] = [];

  constructor(private readonly db: FakeDb) {}

  /** Seeds a model (outside any transaction). */
  add(m: Partial<ModelRow> & Pick<ModelRow, 'name' | 'version' | 'card'>): ModelRow {
    const at = new Date();
    const row: ModelRow = {
      id: randomUUID(),
      stage: 'staging',
      feature_set_version: m.card.featureSetVersion,
      checksum: createHash('sha256').update(`${m.name}/${m.version}`).digest('hex'),
      size_bytes: 1,
      artifact: `${m.name}/${m.version}/model.onnx`,
      created_by: null,
      created_at: at,
      updated_at: at,
      ...m,
    };
    this.rows.set(row.id, row);
    return { ...row };
  }

  stageOf(id: string): ModelStage | undefined {
    return this.rows.get(id)?.stage;
  }

  async insert(
    sql: Sql,
    m: {
      id: string;
      name: string;
      version: string;
      featureSetVersion: string;
      card: ModelCard;
      checksum: string;
      sizeBytes: number;
      artifact: string;
      createdBy: string | null;
    },
  ): Promise<ModelRow | null> {
    if ([...this.rows.values()].some((r) => r.name === m.name && r.version === m.version)) return null;
    const row = this.add({
      id: m.id,
      name: m.name,
      version: m.version,
      card: m.card,
      feature_set_version: m.featureSetVersion,
      checksum: m.checksum,
      size_bytes: m.sizeBytes,
      artifact: m.artifact,
      created_by: m.createdBy,
    });
    this.db.onRollback(sql, () => this.rows.delete(row.id));
    return row;
  }

  async byId(id: string, _sql?: Sql, _opts: { lock?: boolean } = {}): Promise<ModelRow | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }

  async byNameVersion(name: string, version: string): Promise<ModelRow | undefined> {
    const row = [...this.rows.values()].find((r) => r.name === name && r.version === version);
    return row && { ...row };
  }

  async productionOf(_sql: Sql, name: string): Promise<ModelRow | undefined> {
    const row = [...this.rows.values()].find((r) => r.name === name && r.stage === 'production');
    return row && { ...row };
  }

  async setStage(sql: Sql, id: string, from: ModelStage | null, to: ModelStage, actorId: string | null, reason: string): Promise<ModelRow> {
    const row = this.rows.get(id);
    if (!row) throw new Error('expected one row, got none');
    if (to === 'production' && [...this.rows.values()].some((r) => r.id !== id && r.name === row.name && r.stage === 'production')) {
      // The partial unique index (one production model per name) is the backstop.
      throw new Error(`duplicate key value violates unique constraint: ${row.name} already has a production model`);
    }
    const before = { stage: row.stage, updated_at: row.updated_at };
    Object.assign(row, { stage: to, updated_at: new Date() });
    this.db.onRollback(sql, () => Object.assign(row, before));
    await this.recordStageChange(sql, id, from, to, actorId, reason);
    return { ...row };
  }

  async recordStageChange(
    sql: Sql,
    id: string,
    from: ModelStage | null,
    to: ModelStage,
    actorId: string | null,
    reason: string,
  ): Promise<void> {
    const line: FakeStageChange = { modelId: id, from, to, actorId, reason };
    this.history.push(line);
    this.db.onRollback(sql, () => this.history.splice(this.history.indexOf(line), 1));
  }

  async exists(id: string): Promise<boolean> {
    return this.rows.has(id);
  }
}

/** Stored model files by artifact path (no file system). */
export class FakeModelArtifacts implements Pick<ModelArtifactStore, 'put' | 'remove'> {
  readonly files = new Map<string, Uint8Array>();
  readonly removed: string[] = [];

  async put(name: string, version: string, bytes: Uint8Array): Promise<{ artifact: string; checksum: string }> {
    const checksum = createHash('sha256').update(bytes).digest('hex');
    const artifact = `${encodeURIComponent(name)}/${encodeURIComponent(version)}/${checksum}.onnx`;
    this.files.set(artifact, bytes);
    return { artifact, checksum };
  }

  async remove(artifact: string): Promise<void> {
    this.removed.push(artifact);
    this.files.delete(artifact);
  }
}
