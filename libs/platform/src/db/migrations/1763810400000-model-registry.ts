import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model registry: one row per uploaded model version, its card as uploaded, and the SHA-256
 * of the .onnx stored under MODEL_REGISTRY_DIR. At most one `production` model per name (a
 * partial unique index: two racing promotions cannot both win). Every stage change is kept in
 * an append-only history beside the audit event.
 */
export class ModelRegistry1763810400000 implements MigrationInterface {
  name = 'ModelRegistry1763810400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        version text NOT NULL,
        stage text NOT NULL CHECK (stage IN ('staging', 'shadow', 'production', 'archived')),
        feature_set_version text NOT NULL,
        card jsonb NOT NULL,
        checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
        size_bytes integer NOT NULL CHECK (size_bytes > 0),
        artifact text NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (name, version)
      );
      CREATE UNIQUE INDEX models_one_production_per_name ON models (name) WHERE stage = 'production';
      CREATE INDEX models_live ON models (stage) WHERE stage IN ('production', 'shadow');

      CREATE TABLE model_stage_changes (
        id bigserial PRIMARY KEY,
        model_id uuid NOT NULL REFERENCES models(id),
        from_stage text,
        to_stage text NOT NULL,
        actor_id uuid REFERENCES users(id),
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX model_stage_changes_model ON model_stage_changes (model_id, id);
      CREATE TRIGGER model_stage_changes_no_update BEFORE UPDATE OR DELETE ON model_stage_changes FOR EACH ROW EXECUTE FUNCTION reject_mutation();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_stage_changes, models`);
  }
}
