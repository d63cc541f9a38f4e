import { Inject, Injectable } from '@nestjs/common';
import type { ModelStage, SignalDto } from '@tradeloop/contracts';
import type { SignalVerdict, Timeframe } from '@tradeloop/domain';
import { Db, type Sql } from '../../db';

/** A signal about to be stored; `features` are the exact float32 values the model was fed. */
export interface NewSignal {
  id: string;
  modelId: string;
  modelName: string;
  modelVersion: string;
  stage: ModelStage;
  symbol: string;
  timeframe: Timeframe;
  ts: number;
  score: number;
  signal: SignalVerdict;
  closeTicks: number;
  features: Float32Array;
  featuresHash: string;
}

export interface SignalQuery {
  symbol?: string;
  modelId?: string;
  limit: number;
  /** Keyset: signals strictly older than this (ts, id). */
  before?: { ts: number; id: string };
}

export interface SignalDetail extends SignalDto {
  modelName: string;
  timeframe: string;
  closeTicks: number;
  /** The input the model was fed (float32), in the order of `featureNames`. */
  features: number[];
  /** The model card's input names (null if the model is no longer registered). */
  featureNames: string[] | null;
  createdAt: string;
}

interface SignalRow {
  id: string;
  model_id: string;
  model_version: string;
  stage: ModelStage;
  symbol: string;
  ts: Date;
  score: number;
  signal: SignalVerdict;
  features_hash: string;
}

export const toSignalDto = (r: SignalRow): SignalDto => ({
  id: r.id,
  modelId: r.model_id,
  modelVersion: r.model_version,
  stage: r.stage,
  symbol: r.symbol,
  ts: new Date(r.ts).toISOString(),
  score: r.score,
  signal: r.signal,
  featuresHash: r.features_hash,
});

/**
 * The bar time a signal id carries: signal ids are UUIDv7 whose 48-bit timestamp is the bar's
 * start (SignalEngine), so one signal is found through the bar-time index, without an index over
 * every id.
 */
export const barTimeOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

/** Each signal of the batches in `b`, as a row (`n` = its position in the batch, from 1). */
const UNNESTED = `CROSS JOIN LATERAL unnest(b.ids, b.symbols, b.scores, b.verdicts, b.hashes) WITH ORDINALITY AS u(id, symbol, score, signal, features_hash, n)`;
const SIGNAL_COLUMNS = `u.id, b.model_id, b.model_version, b.stage, u.symbol, b.ts, u.score, u.signal, u.features_hash`;

/**
 * Signals storage: the signals of one model for one bar close are ONE row (arrays over the
 * bucket's symbols), so storing a bucket of 500 symbols is one small insert, not 500 rows with
 * four index entries each (docs/adr/0012-live-signals.md). Reads unnest the batches, newest
 * bar first; one signal is found by its id through a GIN index. Partitions (a month of bar
 * time each) are created on first use.
 */
@Injectable()
export class SignalsRepository {
  private readonly months = new Set<string>();

  constructor(@Inject(Db) private readonly db: Db) {}

  private async ensurePartitions(timestamps: Iterable<number>, sql: Sql): Promise<void> {
    for (const ts of timestamps) {
      const month = new Date(ts).toISOString().slice(0, 7);
      if (this.months.has(month)) continue;
      await sql.rows(`SELECT ensure_signal_batch_partition($1::timestamptz)`, [`${month}-01T00:00:00Z`]);
      this.months.add(month);
    }
  }

  /**
   * Stores the signals of a bar close, one row per model, and returns those that were new: a
   * model's bucket already recorded (a re-run after a restart, a second feed) is left as it was.
   */
  async insertMany(signals: readonly NewSignal[], sql: Sql = this.db.sql): Promise<SignalDto[]> {
    if (signals.length === 0) return [];
    const batches = new Map<string, NewSignal[]>();
    for (const s of signals) {
      const key = `${s.modelId}|${s.timeframe}|${s.ts}`;
      let list = batches.get(key);
      if (!list) batches.set(key, (list = []));
      list.push(s);
    }
    await this.ensurePartitions(new Set(signals.map((s) => s.ts)), sql);
    const fresh: SignalDto[] = [];
    for (const list of batches.values()) {
      const first = list[0]!;
      const width = first.features.length;
      const flat = new Float32Array(list.length * width);
      list.forEach((s, i) => {
        if (barTimeOf(s.id) !== s.ts) throw new RangeError(`signal id ${s.id} is not stamped with its bar time`);
        if (s.features.length !== width) throw new RangeError('the signals of one model and bar must have the same number of features');
        flat.set(s.features, i * width);
      });
      const inserted = await sql.rows(
        `INSERT INTO signal_batches (model_id, model_name, model_version, stage, timeframe, ts, ids, symbols, scores, verdicts, close_ticks, width, features, hashes)
         VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7::uuid[], $8::text[], $9::float8[], $10::text[], $11::int8[], $12, $13::bytea, $14::text[])
         ON CONFLICT (model_id, timeframe, ts) DO NOTHING RETURNING 1`,
        [
          first.modelId,
          first.modelName,
          first.modelVersion,
          first.stage,
          first.timeframe,
          first.ts,
          // Array literals built here: none of these values needs escaping except symbols (quoted),
          // and the driver's per-element escaping was a visible share of a 500-signal insert.
          `{${list.map((s) => s.id).join(',')}}`,
          `{${list.map((s) => `"${s.symbol.replace(/["\\]/g, '\\$&')}"`).join(',')}}`,
          `{${list.map((s) => s.score).join(',')}}`,
          `{${list.map((s) => s.signal).join(',')}}`,
          `{${list.map((s) => s.closeTicks).join(',')}}`,
          width,
          // The float32 bytes themselves (little-endian, as every platform we run on).
          Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength),
          `{${list.map((s) => s.featuresHash).join(',')}}`,
        ],
      );
      if (inserted.length === 0) continue;
      for (const s of list) {
        fresh.push({ id: s.id, modelId: s.modelId, modelVersion: s.modelVersion, stage: s.stage, symbol: s.symbol, ts: new Date(s.ts).toISOString(), score: s.score, signal: s.signal, featuresHash: s.featuresHash });
      }
    }
    return fresh;
  }

  async list(q: SignalQuery): Promise<SignalDto[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (q.modelId) where.push(`b.model_id = ${param(q.modelId)}`);
    if (q.before) where.push(`b.ts <= ${param(new Date(q.before.ts))}::timestamptz`);
    const outer: string[] = [];
    if (q.symbol) outer.push(`u.symbol = ${param(q.symbol)}`);
    if (q.before) outer.push(`(b.ts, u.id) < (${param(new Date(q.before.ts))}::timestamptz, ${param(q.before.id)}::uuid)`);
    const rows = await this.db.sql.rows<SignalRow>(
      `SELECT ${SIGNAL_COLUMNS} FROM signal_batches b ${UNNESTED}
        ${[...where, ...outer].length ? `WHERE ${[...where, ...outer].join(' AND ')}` : ''}
        ORDER BY b.ts DESC, u.id DESC LIMIT ${param(q.limit)}`,
      params,
    );
    return rows.map(toSignalDto);
  }

  /** One signal with the features it was computed from (the compliance walk order → signal → features). */
  async detail(id: string): Promise<SignalDetail | undefined> {
    const row = await this.db.sql.maybeOne<SignalRow & { model_name: string; timeframe: string; close_ticks: string; features: Buffer; names: string[] | null; created_at: Date }>(
      `SELECT ${SIGNAL_COLUMNS}, b.model_name, b.timeframe, b.close_ticks[u.n]::text AS close_ticks, b.created_at,
              substring(b.features FROM ((u.n - 1) * b.width * 4 + 1)::int FOR (b.width * 4)) AS features,
              (SELECT m.card->'features' FROM models m WHERE m.id = b.model_id) AS names
         FROM signal_batches b ${UNNESTED}
        WHERE b.ts = to_timestamp($2 / 1000.0) AND u.id = $1::uuid`,
      [id, barTimeOf(id)],
    );
    if (!row) return undefined;
    return {
      ...toSignalDto(row),
      modelName: row.model_name,
      timeframe: row.timeframe,
      closeTicks: Number(row.close_ticks),
      features: Array.from(new Float32Array(Uint8Array.from(row.features).buffer)),
      featureNames: row.names,
      createdAt: row.created_at.toISOString(),
    };
  }

  /**
   * Two models' signals on the same bars (a shadow model against production): per bar and
   * symbol both verdicts, newest first.
   */
  async compare(modelId: string, otherModelId: string, opts: { symbol?: string; limit: number }): Promise<{ rows: { symbol: string; ts: string; a: SignalDto; b: SignalDto }[] }> {
    const params: unknown[] = [modelId, otherModelId, opts.limit];
    const symbolClause = opts.symbol ? `AND u.symbol = $${params.push(opts.symbol)}` : '';
    const rows = await this.db.sql.rows<{ a: SignalRow; b: SignalRow }>(
      `SELECT json_build_object('id', u.id, 'model_id', b.model_id, 'model_version', b.model_version, 'stage', b.stage, 'symbol', u.symbol, 'ts', b.ts, 'score', u.score, 'signal', u.signal, 'features_hash', u.features_hash) AS a,
              json_build_object('id', v.id, 'model_id', o.model_id, 'model_version', o.model_version, 'stage', o.stage, 'symbol', v.symbol, 'ts', o.ts, 'score', v.score, 'signal', v.signal, 'features_hash', v.features_hash) AS b
         FROM signal_batches b
         JOIN signal_batches o ON o.model_id = $2 AND o.timeframe = b.timeframe AND o.ts = b.ts
         ${UNNESTED}
         CROSS JOIN LATERAL unnest(o.ids, o.symbols, o.scores, o.verdicts, o.hashes) AS v(id, symbol, score, signal, features_hash)
        WHERE b.model_id = $1 AND v.symbol = u.symbol ${symbolClause}
        ORDER BY b.ts DESC, u.symbol LIMIT $3`,
      params,
    );
    return { rows: rows.map((r) => ({ symbol: r.a.symbol, ts: new Date(r.a.ts).toISOString(), a: toSignalDto(r.a), b: toSignalDto(r.b) })) };
  }
}
