import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditRepository } from '@tradeloop/identity';
import type { Db } from '@tradeloop/platform';
import { RegisterModelUseCase, type ModelArtifactStore, type ModelsRepository } from '@tradeloop/ml';
import { FakeAudit, FakeDb, FakeModelArtifacts, FakeModels, port } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';

/**
 * The model file is checked by the real onnxruntime (a pure in-process library; loading it and the
 * committed demo model costs ~0.2 s), so the upload rules run on a real model, not a stand-in. The
 * registry's rows, files and audit log are fakes.
 */
const MODEL_DIR = resolve(__dirname, '../../../../../models/demo-momentum/1');
const onnx = new Uint8Array(readFileSync(resolve(MODEL_DIR, 'model.onnx')));
const baseCard = JSON.parse(readFileSync(resolve(MODEL_DIR, 'card.json'), 'utf8')) as Record<string, unknown> & { features: string[] };
const cardText = (over: Record<string, unknown> = {}) => JSON.stringify({ ...baseCard, ...over });

const QUANT = 'quant-1';
const meta = { requestId: 'req-1' };

function setup() {
  const db = new FakeDb();
  const models = new FakeModels(db);
  const artifacts = new FakeModelArtifacts();
  const audit = new FakeAudit(db);
  const register = new RegisterModelUseCase(
    port<Db>(db),
    port<ModelsRepository>(models),
    port<ModelArtifactStore>(artifacts),
    port<AuditRepository>(audit),
  );
  return { db, models, artifacts, audit, register };
}

/** Nothing stored: no row, no file, no stage change, no audit record. */
function expectNothingStored(w: ReturnType<typeof setup>) {
  expect(w.models.rows.size).toBe(0);
  expect(w.artifacts.files.size).toBe(0);
  expect(w.models.history).toEqual([]);
  expect(w.audit.records).toEqual([]);
}

describe('RegisterModelUseCase', () => {
  it('registers a valid model in staging: file stored, row written, registration line and audit in one transaction', async () => {
    const w = setup();
    const dto = await w.register.execute({ model: onnx, card: cardText() }, QUANT, meta);

    const [row] = [...w.models.rows.values()];
    expect(dto).toMatchObject({ id: row!.id, name: 'demo-momentum', version: '1', stage: 'staging', createdBy: QUANT });
    expect(row).toMatchObject({ size_bytes: onnx.byteLength, feature_set_version: baseCard.featureSetVersion });
    expect(w.artifacts.files.get(row!.artifact)).toBe(onnx);
    expect(row!.artifact.endsWith(`${row!.checksum}.onnx`)).toBe(true);
    expect(w.models.history).toEqual([{ modelId: row!.id, from: null, to: 'staging', actorId: QUANT, reason: 'registered' }]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        action: 'model.registered',
        subject: `model:${row!.id}`,
        details: {
          name: 'demo-momentum',
          version: '1',
          checksum: row!.checksum,
          sizeBytes: onnx.byteLength,
          featureSetVersion: baseCard.featureSetVersion,
        },
        inTransaction: true,
      }),
    ]);
    expect(w.db.committed).toBe(1);
  });

  it.each([
    ['card is not JSON', '{"name": ', 'VALIDATION_FAILED', 'card'],
    ['card misses a field', cardText({ horizon: undefined }), 'VALIDATION_FAILED', 'card.horizon'],
    ['card text with NUL', cardText({ trainer: 'ml/train\u0000.py' }), 'VALIDATION_FAILED', 'card.trainer'],
    ['card thresholds inverted', cardText({ threshold: { buy: 0.4, sell: 0.6 } }), 'VALIDATION_FAILED', 'card.threshold'],
    ['another feature-set version', cardText({ featureSetVersion: 'ffffffffffffffff' }), 'MODEL_REJECTED', 'card.featureSetVersion'],
    ['a feature the server does not compute', cardText({ features: [...baseCard.features.slice(0, 12), 'moon_phase'] }), 'MODEL_REJECTED', 'card.features'],
  ])('refuses a bad card (%s) naming the field, and stores nothing', async (_what, card, code, field) => {
    const w = setup();
    const err = await refusal(w.register.execute({ model: onnx, card }, QUANT, meta));

    expect(err.code).toBe(code);
    expect(fieldsOf(err)).toContain(field);
    expectNothingStored(w);
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'VALIDATION_FAILED', cardText()],
    ['a truncated (corrupt) file', onnx.subarray(0, 5000), 'MODEL_REJECTED', cardText()],
    ['a model whose input width differs from the card', onnx, 'MODEL_REJECTED', cardText({ features: baseCard.features.slice(0, 12) })],
  ])('refuses %s (field model), and stores nothing', async (_what, model, code, card) => {
    const w = setup();
    const err = await refusal(w.register.execute({ model, card }, QUANT, meta));

    expect(err.code).toBe(code);
    expect(fieldsOf(err)).toEqual(['model']);
    expectNothingStored(w);
  });

  it('refuses a name and version already registered (CONFLICT) before storing a file', async () => {
    const w = setup();
    await w.register.execute({ model: onnx, card: cardText() }, QUANT, meta);
    const filesBefore = [...w.artifacts.files.keys()];
    const err = await refusal(w.register.execute({ model: onnx, card: cardText() }, QUANT, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.models.rows.size).toBe(1);
    expect([...w.artifacts.files.keys()]).toEqual(filesBefore);
    expect(w.artifacts.removed).toEqual([]);
  });

  it('losing a race for the name and version: CONFLICT, and its file is removed unless the winner uses it', async () => {
    const w = setup();
    const insert = w.models.insert.bind(w.models);
    // Another upload of the same name and version commits between our look-up and our insert.
    vi.spyOn(w.models, 'insert').mockImplementationOnce(async (sql, m) => {
      w.models.add({ name: m.name, version: m.version, card: m.card, artifact: 'demo-momentum/1/another-file.onnx' });
      return insert(sql, m);
    });
    const err = await refusal(w.register.execute({ model: onnx, card: cardText() }, QUANT, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.artifacts.removed).toHaveLength(1);
    expect(w.artifacts.files.size).toBe(0);
    expect(w.models.history).toEqual([]);
    expect(w.audit.records).toEqual([]);
  });

  it('losing the race to the same bytes keeps the file (the winner’s row points at it)', async () => {
    const w = setup();
    const insert = w.models.insert.bind(w.models);
    vi.spyOn(w.models, 'insert').mockImplementationOnce(async (sql, m) => {
      w.models.add({ name: m.name, version: m.version, card: m.card, artifact: m.artifact });
      return insert(sql, m);
    });
    expect((await refusal(w.register.execute({ model: onnx, card: cardText() }, QUANT, meta))).code).toBe('CONFLICT');
    expect(w.artifacts.removed).toEqual([]);
    expect(w.artifacts.files.size).toBe(1);
  });

  it('removes the stored file again when the row’s transaction fails, and leaves no row', async () => {
    const w = setup();
    vi.spyOn(w.audit, 'append').mockRejectedValueOnce(new Error('audit insert failed'));
    await expect(w.register.execute({ model: onnx, card: cardText() }, QUANT, meta)).rejects.toThrow('audit insert failed');

    expect(w.db.rolledBack).toBe(1);
    expect(w.artifacts.removed).toHaveLength(1);
    expectNothingStored(w);
  });
});
