import { Inject, Injectable } from '@nestjs/common';
import type { ModelStage, SignalDto } from '@tradeloop/contracts';
import { TIMEFRAME_MS, type SignalThresholds, type SignalVerdict, type Timeframe } from '@tradeloop/domain';
import { parse as parseUuid } from 'uuid';
import { Db, type Sql } from '@tradeloop/platform';

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

/**
 * One model's signals of one bar close, packed by column as they are stored: `ids` 16 bytes
 * per signal (UUIDv7 stamped with `ts`), `hashes` 32 bytes per signal (SHA-256 of its row of
 * `features`), `features` `width` float32 values per signal.
 */
export interface NewSignalBatch {
  modelId: string;
  modelName: string;
  modelVersion: string;
  stage: ModelStage;
  timeframe: Timeframe;
  ts: number;
  width: number;
  ids: Uint8Array;
  symbols: string[];
  scores: Float64Array;
  verdicts: SignalVerdict[];
  closeTicks: number[];
  features: Float32Array;
  hashes: Uint8Array;
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

/**
 * Each signal of the batch `b` as a row `u` (id, symbol, score, signal, features_hash, n = its
 * position from 1). The packed ids and hashes are detoasted once per batch (the OFFSET 0 fence
 * keeps the planner from re-reading them per signal) and sliced in memory.
 */
const unnested = (b: string, u: string): string => `
  CROSS JOIN LATERAL (SELECT ${b}.ids || ''::bytea AS ids, ${b}.hashes || ''::bytea AS hashes OFFSET 0) ${u}_packed
  CROSS JOIN LATERAL (
    SELECT encode(substring(${u}_packed.ids FROM ((t.n - 1) * 16 + 1)::int FOR 16), 'hex')::uuid AS id, t.symbol, t.score, t.signal,
           encode(substring(${u}_packed.hashes FROM ((t.n - 1) * 32 + 1)::int FOR 32), 'hex') AS features_hash, t.n
      FROM unnest(${b}.symbols, ${b}.scores, ${b}.verdicts) WITH ORDINALITY AS t(symbol, score, signal, n)) ${u}`;
const UNNESTED = unnested('b', 'u');
const SIGNAL_COLUMNS = `u.id, b.model_id, b.model_version, b.stage, u.symbol, b.ts, u.score, u.signal, u.features_hash`;

/** Groups signals by model and bar into packed batches (the form the engine builds directly). */
export function batchesOf(signals: readonly NewSignal[]): NewSignalBatch[] {
  const groups = new Map<string, NewSignal[]>();
  for (const s of signals) {
    const key = `${s.modelId}|${s.timeframe}|${s.ts}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(s);
  }
  return [...groups.values()].map((list) => {
    const first = list[0]!;
    const width = first.features.length;
    const batch = emptyBatch(first, list.length, width);
    list.forEach((s, i) => {
      if (s.features.length !== width) throw new RangeError('the signals of one model and bar must have the same number of features');
      batch.ids.set(parseUuid(s.id), i * 16);
      batch.hashes.set(Buffer.from(s.featuresHash, 'hex'), i * 32);
      batch.features.set(s.features, i * width);
      batch.symbols.push(s.symbol);
      batch.scores[i] = s.score;
      batch.verdicts.push(s.signal);
      batch.closeTicks.push(s.closeTicks);
    });
    return batch;
  });
}

/** A batch of `n` signals of one model and bar, its columns allocated and empty. */
export function emptyBatch(model: Pick<NewSignal, 'modelId' | 'modelName' | 'modelVersion' | 'stage' | 'timeframe' | 'ts'>, n: number, width: number): NewSignalBatch {
  return {
    modelId: model.modelId,
    modelName: model.modelName,
    modelVersion: model.modelVersion,
    stage: model.stage,
    timeframe: model.timeframe,
    ts: model.ts,
    width,
    ids: new Uint8Array(n * 16),
    symbols: [],
    scores: new Float64Array(n),
    verdicts: [],
    closeTicks: [],
    features: new Float32Array(n * width),
    hashes: new Uint8Array(n * 32),
  };
}

/** The batch's signals one by one (the inverse of `batchesOf`). */
export function unpackBatch(b: NewSignalBatch): NewSignal[] {
  return signalsOfBatch(b).map((s, i) => ({
    id: s.id,
    modelId: b.modelId,
    modelName: b.modelName,
    modelVersion: b.modelVersion,
    stage: b.stage,
    symbol: s.symbol,
    timeframe: b.timeframe,
    ts: b.ts,
    score: s.score,
    signal: s.signal,
    closeTicks: b.closeTicks[i]!,
    features: b.features.slice(i * b.width, (i + 1) * b.width),
    featuresHash: s.featuresHash,
  }));
}

/** The signals of a stored batch as the API and the `signal` event show them. */
export function signalsOfBatch(b: NewSignalBatch): SignalDto[] {
  const ts = new Date(b.ts).toISOString();
  const hashes = Buffer.from(b.hashes.buffer, b.hashes.byteOffset, b.hashes.byteLength).toString('hex');
  // The ids' hex in one call, cut into the 8-4-4-4-12 form (a formatter call per id validates each).
  const ids = Buffer.from(b.ids.buffer, b.ids.byteOffset, b.ids.byteLength).toString('hex');
  const idAt = (i: number) => {
    const h = ids.slice(i * 32, i * 32 + 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return b.symbols.map((symbol, i) => ({
    id: idAt(i),
    modelId: b.modelId,
    modelVersion: b.modelVersion,
    stage: b.stage,
    symbol,
    ts,
    score: b.scores[i]!,
    signal: b.verdicts[i]!,
    featuresHash: hashes.slice(i * 64, i * 64 + 64),
  }));
}

/** Whether each id of the batch carries the batch's bar time in its first 48 bits (UUIDv7). */
function stampedWithBarTime(b: NewSignalBatch): boolean {
  const ids = Buffer.from(b.ids.buffer, b.ids.byteOffset, b.ids.byteLength);
  for (let at = 0; at < ids.length; at += 16) if (ids.readUIntBE(at, 6) !== b.ts) return false;
  return true;
}

/**
 * Signals storage: the signals of one model for one bar close are ONE row (docs/adr/0012),
 * packed: ids 16 bytes and feature hashes 32 bytes each in one `bytea`, the exact float32
 * inputs in another, the rest as arrays, all stored uncompressed (nothing in them compresses).
 * Reads unnest the batches, newest bar first; one signal is found from its id, which carries
 * its bar time. Partitions (a month of bar time each) are created on first use.
 */
/** How late a bar's signals may be stored after its close and still count as its bar's. */
const LATE_BAR_MS = 60_000;

@Injectable()
export class SignalsRepository {
  private readonly months = new Set<string>();

  constructor(@Inject(Db) private readonly db: Db) {}

  private async ensurePartition(ts: number, sql: Sql): Promise<void> {
    const month = new Date(ts).toISOString().slice(0, 7);
    if (this.months.has(month)) return;
    await sql.rows(`SELECT ensure_signal_batch_partition($1::timestamptz)`, [`${month}-01T00:00:00Z`]);
    this.months.add(month);
  }

  /**
   * The current production model's score for `symbol` at its last closed bar (docs/alerts.md
   * "Engines", the ml agent): the newest stored batch of a model that is in production now and
   * scored the symbol, with the card's thresholds. Null when none is fresh — its bar is older than
   * the one before the current (ts + 2 × timeframe, plus a minute for the bar-close work, is past).
   * Several production models (one per name): the newest bar wins, then the name.
   */
  async latestProductionScore(
    symbol: string,
    now: number,
    sql: Sql = this.db.sql,
  ): Promise<{ score: number; thresholds: SignalThresholds; modelName: string; ts: number } | null> {
    const row = await sql.maybeOne<{ score: number | null; threshold: SignalThresholds; name: string; ts: Date; timeframe: Timeframe }>(
      `SELECT b.scores[array_position(b.symbols, $1)] AS score, m.card->'threshold' AS threshold, m.name, b.ts, b.timeframe
         FROM signal_batches b JOIN models m ON m.id = b.model_id AND m.stage = 'production'
        WHERE b.ts >= $2::timestamptz AND b.ts <= $3::timestamptz AND $1 = ANY(b.symbols)
        ORDER BY b.ts DESC, m.name LIMIT 1`,
      // The widest fresh window is a daily model's: two days back.
      [symbol, new Date(now - 2 * TIMEFRAME_MS['1d'] - LATE_BAR_MS), new Date(now)],
    );
    if (!row || row.score === null || !Number.isFinite(row.score)) return null;
    const ts = row.ts.getTime();
    if (now > ts + 2 * TIMEFRAME_MS[row.timeframe] + LATE_BAR_MS) return null;
    return { score: row.score, thresholds: row.threshold, modelName: row.name, ts };
  }

  /** Stores loose signals (grouped into batches); returns those that were new. */
  insertMany(signals: readonly NewSignal[], sql: Sql = this.db.sql): Promise<SignalDto[]> {
    return this.insertBatches(batchesOf(signals), sql);
  }

  /** Stores each batch (one row per model and bar); returns the signals that were new. */
  async insertBatches(batches: readonly NewSignalBatch[], sql: Sql = this.db.sql): Promise<SignalDto[]> {
    const fresh: SignalDto[] = [];
    for (const batch of batches) fresh.push(...(await this.insertBatch(batch, sql)));
    return fresh;
  }

  /**
   * Stores one model's signals of a bar close as one row and returns them, or nothing when that
   * model's bucket was already recorded (a re-run after a restart, a second feed): it is left
   * as it was.
   */
  async insertBatch(b: NewSignalBatch, sql: Sql = this.db.sql): Promise<SignalDto[]> {
    const n = b.symbols.length;
    if (n === 0) return [];
    if (b.ids.length !== n * 16 || b.hashes.length !== n * 32 || b.features.length !== n * b.width || b.verdicts.length !== n || b.closeTicks.length !== n || b.scores.length < n) {
      throw new RangeError('a signal batch must have one id, hash, score, verdict, close and feature row per symbol');
    }
    if (!stampedWithBarTime(b)) throw new RangeError('every signal id of a batch must be stamped with its bar time');
    await this.ensurePartition(b.ts, sql);
    const bytes = (a: Uint8Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const inserted = await sql.rows(
      `INSERT INTO signal_batches (model_id, model_name, model_version, stage, timeframe, ts, ids, symbols, scores, verdicts, close_ticks, width, features, hashes)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7, $8::text[], $9::float8[], $10::text[], $11::int8[], $12, $13, $14)
       ON CONFLICT (model_id, timeframe, ts) DO NOTHING RETURNING 1`,
      [
        b.modelId,
        b.modelName,
        b.modelVersion,
        b.stage,
        b.timeframe,
        b.ts,
        bytes(b.ids),
        // Array literals built here: none of these values needs escaping except symbols (quoted),
        // and the driver's per-element escaping was a visible share of a 500-signal insert.
        `{${b.symbols.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`,
        `{${Array.prototype.slice.call(b.scores, 0, n).join(',')}}`,
        `{${b.verdicts.join(',')}}`,
        `{${b.closeTicks.join(',')}}`,
        b.width,
        // The float32 bytes themselves (little-endian, as every platform we run on).
        bytes(b.features),
        bytes(b.hashes),
      ],
    );
    return inserted.length === 0 ? [] : signalsOfBatch(b);
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
         ${unnested('o', 'v')}
        WHERE b.model_id = $1 AND v.symbol = u.symbol ${symbolClause}
        ORDER BY b.ts DESC, u.symbol LIMIT $3`,
      params,
    );
    return { rows: rows.map((r) => ({ symbol: r.a.symbol, ts: new Date(r.a.ts).toISOString(), a: toSignalDto(r.a), b: toSignalDto(r.b) })) };
  }
}
