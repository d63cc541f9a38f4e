import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ModelCard } from '@tradeloop/contracts';
import type { AuditRepository } from '@tradeloop/identity';
import type { Db } from '@tradeloop/platform';
import { modelsChangedChannel, PromoteModelUseCase, type ModelsRepository } from '@tradeloop/ml';
import { FakeAudit, FakeDb, FakeLogger, FakeModels, FakeRedisPublisher, fakeConfig, port } from '../../fakes';
import { refusal } from '../refusal';

const QUANT = 'quant-1';
const meta = { requestId: 'req-1' };
const card = { featureSetVersion: 'b47d510aa2e5c7b4', metrics: {} } as unknown as ModelCard;

function setup() {
  const config = fakeConfig({ REDIS_PREFIX: 'unit' });
  const db = new FakeDb();
  const models = new FakeModels(db);
  const audit = new FakeAudit(db);
  const redis = new FakeRedisPublisher();
  const logger = new FakeLogger();
  const promote = new PromoteModelUseCase(
    port<Db>(db),
    port<ModelsRepository>(models),
    port<AuditRepository>(audit),
    port<Redis>(redis),
    config,
    port<Logger>(logger),
  );
  const v1 = models.add({ name: 'momentum', version: '1', card, stage: 'production' });
  const v2 = models.add({ name: 'momentum', version: '2', card });
  const other = models.add({ name: 'reversal', version: '1', card, stage: 'production' });
  return { db, models, audit, redis, logger, promote, v1, v2, other };
}

describe('PromoteModelUseCase', () => {
  it('moves a model to another stage under the name’s lock, records the change, audits it and tells the workers', async () => {
    const w = setup();
    const res = await w.promote.execute(w.v2.id, 'shadow', QUANT, meta);

    expect(res.replaced).toBeNull();
    expect(res.model).toMatchObject({ id: w.v2.id, name: 'momentum', version: '2', stage: 'shadow' });
    expect(w.models.stageOf(w.v2.id)).toBe('shadow');
    expect(w.models.history).toEqual([{ modelId: w.v2.id, from: 'staging', to: 'shadow', actorId: QUANT, reason: 'promoted' }]);
    expect(w.db.transactions).toEqual([{ lock: 'models:momentum', state: 'committed' }]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: QUANT,
        action: 'model.stage_changed',
        subject: `model:${w.v2.id}`,
        details: { name: 'momentum', version: '2', from: 'staging', to: 'shadow' },
        inTransaction: true,
      }),
    ]);
    expect(w.redis.published).toEqual([{ channel: modelsChangedChannel('unit'), message: w.v2.id }]);
  });

  it('to production: archives the name’s current production model in the same transaction, and audits both changes', async () => {
    const w = setup();
    const res = await w.promote.execute(w.v2.id, 'production', QUANT, meta);

    expect(res.model.stage).toBe('production');
    expect(res.replaced).toMatchObject({ id: w.v1.id, stage: 'archived' });
    expect(w.models.stageOf(w.v1.id)).toBe('archived');
    expect(w.models.stageOf(w.other.id)).toBe('production'); // another name is not touched
    expect(w.models.history.map((h) => [h.modelId, h.from, h.to, h.reason])).toEqual([
      [w.v1.id, 'production', 'archived', 'replaced in production by v2'],
      [w.v2.id, 'staging', 'production', 'promoted over v1'],
    ]);
    expect(w.audit.records.map((r) => [r.subject, r.details])).toEqual([
      [`model:${w.v1.id}`, { name: 'momentum', version: '1', from: 'production', to: 'archived', replacedBy: w.v2.id }],
      [`model:${w.v2.id}`, { name: 'momentum', version: '2', from: 'staging', to: 'production', replaced: w.v1.id }],
    ]);
  });

  it('rolling back is one step: promoting the archived version again archives its replacement', async () => {
    const w = setup();
    await w.promote.execute(w.v2.id, 'production', QUANT, meta);
    const back = await w.promote.execute(w.v1.id, 'production', QUANT, meta);

    expect(back.replaced?.id).toBe(w.v2.id);
    expect([w.models.stageOf(w.v1.id), w.models.stageOf(w.v2.id)]).toEqual(['production', 'archived']);
  });

  it('two versions promoted to production at the same moment: serialised by the lock, exactly one ends in production', async () => {
    const w = setup();
    const v3 = w.models.add({ name: 'momentum', version: '3', card });
    const results = await Promise.allSettled([
      w.promote.execute(w.v2.id, 'production', QUANT, meta),
      w.promote.execute(v3.id, 'production', QUANT, meta),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect([w.v1, w.v2, v3].map((m) => w.models.stageOf(m.id))).toEqual(['archived', 'archived', 'production']);
    expect(w.db.locks).toEqual(['models:momentum', 'models:momentum']);
  });

  it('refuses a move to the stage it is already in (INVALID_STATE), changing and publishing nothing', async () => {
    const w = setup();
    const err = await refusal(w.promote.execute(w.v1.id, 'production', QUANT, meta));

    expect(err.code).toBe('INVALID_STATE');
    expect(w.db.rolledBack).toBe(1);
    expect(w.models.history).toEqual([]);
    expect(w.audit.records).toEqual([]);
    expect(w.redis.published).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown model, before any transaction', async () => {
    const w = setup();
    const err = await refusal(w.promote.execute('00000000-0000-7000-8000-000000000000', 'shadow', QUANT, meta));
    expect(err.code).toBe('NOT_FOUND');
    expect(w.db.transactions).toEqual([]);
  });

  it('a failed publish is logged, not thrown: the committed change stands (workers poll anyway)', async () => {
    const w = setup();
    w.redis.failing = true;
    const res = await w.promote.execute(w.v2.id, 'shadow', QUANT, meta);

    expect(res.model.stage).toBe('shadow');
    expect(w.db.committed).toBe(1);
    expect(w.logger.lines.map((l) => l.level)).toEqual(['warn']);
  });
});
