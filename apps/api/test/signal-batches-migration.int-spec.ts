import { v7 as uuidv7 } from 'uuid';
import { createTestContext, type TestContext } from '@tradeloop/testing';
import type { DataSource, MigrationInterface } from 'typeorm';
import { createDataSource, Db, MIGRATIONS } from '@tradeloop/platform';
import { hashFeatures, SignalsRepository } from '@tradeloop/ml';

/**
 * 1763812200000 packs ids and hashes into bytes: rows stored before it must read back exactly
 * as they were written (ids, hashes, features, order), and going down restores the old form.
 */
describe('signal batches packing migration', () => {
  let ctx: TestContext;
  let ds: DataSource;
  const Packing = MIGRATIONS.find((m) => m.name === 'SignalBatchesPacked1763812200000')!;
  const migration: MigrationInterface = new Packing();
  const ts = Date.UTC(2026, 10, 23, 4, 0);
  const modelId = '00000000-0000-7000-8000-0000000000aa';
  const ids = [uuidv7({ msecs: ts }), uuidv7({ msecs: ts }), uuidv7({ msecs: ts })];
  const features = [Float32Array.from([0.1, -2]), Float32Array.from([3.5, 4]), Float32Array.from([Math.PI, 1e-7])];
  const hashes = features.map(hashFeatures);

  beforeAll(async () => {
    ctx = await createTestContext();
    ds = createDataSource({ url: ctx.config.DATABASE_URL, poolSize: 2, applicationName: 'migration-test' });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await ctx.cleanup();
  });

  it('converts rows of the old form losslessly, both ways', async () => {
    const qr = ds.createQueryRunner();
    try {
      await migration.down(qr);
      await qr.query(`SELECT ensure_signal_batch_partition(to_timestamp($1 / 1000.0))`, [ts]);
      const flat = new Float32Array(6);
      features.forEach((f, i) => flat.set(f, i * 2));
      await qr.query(
        `INSERT INTO signal_batches (model_id, model_name, model_version, stage, timeframe, ts, ids, symbols, scores, verdicts, close_ticks, width, features, hashes)
         VALUES ($1, 'demo', '1', 'production', '1m', to_timestamp($2 / 1000.0), $3::uuid[], $4::text[], $5::float8[], $6::text[], $7::int8[], 2, $8, $9::text[])`,
        [modelId, ts, ids, ['A', 'B', 'C'], [0.7, 0.5, 0.2], ['BUY', 'HOLD', 'SELL'], [1, 2, 3], Buffer.from(flat.buffer), hashes],
      );
      await migration.up(qr);

      const repo = new SignalsRepository(new Db(ds));
      const listed = await repo.list({ modelId, limit: 10 });
      expect(listed.map((s) => [s.id, s.symbol, s.signal, s.featuresHash]).sort()).toEqual(
        ids.map((id, i) => [id, 'ABC'[i], ['BUY', 'HOLD', 'SELL'][i], hashes[i]]).sort(),
      );
      for (const [i, id] of ids.entries()) {
        const d = await repo.detail(id);
        expect(d).toMatchObject({ id, symbol: 'ABC'[i], closeTicks: i + 1, featuresHash: hashes[i] });
        expect(hashFeatures(Float32Array.from(d!.features))).toBe(hashes[i]);
      }

      await migration.down(qr);
      const [old] = await qr.query(`SELECT ids::text[] AS ids, hashes FROM signal_batches WHERE model_id = $1`, [modelId]);
      expect(old).toEqual({ ids, hashes });
      await migration.up(qr);
    } finally {
      await qr.release();
    }
  });
});
