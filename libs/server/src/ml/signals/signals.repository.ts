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
  model_name: string;
  model_version: string;
  stage: ModelStage;
  symbol: string;
  timeframe: string;
  ts: Date;
  score: number;
  signal: SignalVerdict;
  close_ticks: string;
  features_hash: string;
  created_at: Date;
}

const COLUMNS = `id, model_id, model_name, model_version, stage, symbol, timeframe, ts, score, signal, close_ticks::text, features_hash, created_at`;

export const toSignalDto = (r: SignalRow): SignalDto => ({
  id: r.id,
  modelId: r.model_id,
  modelVersion: r.model_version,
  stage: r.stage,
  symbol: r.symbol,
  ts: r.ts.toISOString(),
  score: r.score,
  signal: r.signal,
  featuresHash: r.features_hash,
});

/**
 * Signals storage: one multi-row statement per bar close, reads newest first by keyset.
 * Partitions (one per month of bar time) are created on first use, as for candles.
 */
@Injectable()
export class SignalsRepository {
  private readonly months = new Set<string>();

  constructor(@Inject(Db) private readonly db: Db) {}

  private async ensurePartitions(timestamps: Iterable<number>, sql: Sql): Promise<void> {
    for (const ts of timestamps) {
      const month = new Date(ts).toISOString().slice(0, 7);
      if (this.months.has(month)) continue;
      await sql.rows(`SELECT ensure_signal_partition($1::timestamptz)`, [`${month}-01T00:00:00Z`]);
      this.months.add(month);
    }
  }

  /**
   * Stores the signals of one bar close in one statement and returns those that were new: a bar
   * already recorded for a model and symbol (a re-run after a restart) is left as it was.
   */
  async insertMany(signals: readonly NewSignal[], sql: Sql = this.db.sql): Promise<SignalDto[]> {
    if (signals.length === 0) return [];
    await this.ensurePartitions(new Set(signals.map((s) => s.ts)), sql);
    // Each vector travels as an array literal: slicing one long real[] per row costs O(rows²).
    // String(float32 value) is a decimal that reads back as exactly that float32.
    const inserted = await sql.rows<{ id: string }>(
      `INSERT INTO signals (id, model_id, model_name, model_version, stage, symbol, timeframe, ts, score, signal, close_ticks, features, features_hash)
       SELECT u.id, u.model_id, u.model_name, u.model_version, u.stage, u.symbol, u.timeframe, to_timestamp(u.ts / 1000.0), u.score, u.signal, u.close_ticks, u.features::real[], u.features_hash
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::text[], $11::int8[], $12::text[], $13::text[])
              AS u(id, model_id, model_name, model_version, stage, symbol, timeframe, ts, score, signal, close_ticks, features, features_hash)
       ON CONFLICT (model_id, symbol, timeframe, ts) DO NOTHING
       RETURNING id`,
      [
        signals.map((s) => s.id),
        signals.map((s) => s.modelId),
        signals.map((s) => s.modelName),
        signals.map((s) => s.modelVersion),
        signals.map((s) => s.stage),
        signals.map((s) => s.symbol),
        signals.map((s) => s.timeframe),
        signals.map((s) => s.ts),
        signals.map((s) => s.score),
        signals.map((s) => s.signal),
        signals.map((s) => s.closeTicks),
        signals.map((s) => `{${Array.prototype.join.call(s.features, ',')}}`),
        signals.map((s) => s.featuresHash),
      ],
    );
    // Only what was new goes on (a bar already recorded is not repeated); built from what was sent.
    const fresh = new Set(inserted.map((r) => r.id));
    return signals
      .filter((s) => fresh.has(s.id))
      .map((s) => ({ id: s.id, modelId: s.modelId, modelVersion: s.modelVersion, stage: s.stage, symbol: s.symbol, ts: new Date(s.ts).toISOString(), score: s.score, signal: s.signal, featuresHash: s.featuresHash }));
  }

  async list(q: SignalQuery): Promise<SignalDto[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (q.symbol) where.push(`symbol = ${param(q.symbol)}`);
    if (q.modelId) where.push(`model_id = ${param(q.modelId)}`);
    if (q.before) where.push(`(ts, id) < (${param(new Date(q.before.ts))}::timestamptz, ${param(q.before.id)}::uuid)`);
    const rows = await this.db.sql.rows<SignalRow>(
      `SELECT ${COLUMNS} FROM signals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT ${param(q.limit)}`,
      params,
    );
    return rows.map(toSignalDto);
  }

  /** One signal with the features it was computed from (the compliance walk order → signal → features). */
  async detail(id: string): Promise<SignalDetail | undefined> {
    const row = await this.db.sql.maybeOne<SignalRow & { features: number[]; names: string[] | null }>(
      `SELECT ${COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}, s.features, (SELECT m.card->'features' FROM models m WHERE m.id = s.model_id) AS names
         FROM signals s WHERE s.id = $1`,
      [id],
    );
    if (!row) return undefined;
    return {
      ...toSignalDto(row),
      modelName: row.model_name,
      timeframe: row.timeframe,
      closeTicks: Number(row.close_ticks),
      // real[] arrives as text: its shortest form reads back as the same float32.
      features: row.features.map((v) => Math.fround(v)),
      featureNames: row.names,
      createdAt: row.created_at.toISOString(),
    };
  }

  /**
   * Two models' signals on the same bars (a shadow model against production): per bar both
   * verdicts, newest first, and how often they agreed over the bars returned.
   */
  async compare(modelId: string, otherModelId: string, opts: { symbol?: string; limit: number }): Promise<{ rows: { symbol: string; ts: string; a: SignalDto; b: SignalDto }[] }> {
    const params: unknown[] = [modelId, otherModelId, opts.limit];
    const symbolClause = opts.symbol ? `AND a.symbol = $${params.push(opts.symbol)}` : '';
    const rows = await this.db.sql.rows<{ a: SignalRow; b: SignalRow }>(
      `SELECT row_to_json(a) AS a, row_to_json(b) AS b
         FROM (SELECT ${COLUMNS} FROM signals WHERE model_id = $1) a
         JOIN (SELECT ${COLUMNS} FROM signals WHERE model_id = $2) b ON b.symbol = a.symbol AND b.timeframe = a.timeframe AND b.ts = a.ts
        WHERE true ${symbolClause}
        ORDER BY a.ts DESC, a.symbol LIMIT $3`,
      params,
    );
    const revive = (r: SignalRow): SignalDto => toSignalDto({ ...r, ts: new Date(r.ts), created_at: new Date(r.created_at) });
    return { rows: rows.map((r) => ({ symbol: r.a.symbol, ts: new Date(r.a.ts).toISOString(), a: revive(r.a), b: revive(r.b) })) };
  }
}
