import { hash as oneShotHash, randomFillSync } from 'node:crypto';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import type { Logger } from 'pino';
import type { SignalDto } from '@tradeloop/contracts';
import { bucketStart, DriftWindow, FEATURE_SET_V1, FeatureEngine, PSI_ALERT, signalOf, type Candle, type FeatureSet, type Timeframe } from '@tradeloop/domain';
import { compileModel, type CompiledModel, type LiveModelSource } from './live-model';
import { emptyBatch, type NewSignalBatch } from './signals.repository';

/** Live values per model kept for drift (pooled over symbols), and the least before it is read. */
export const DRIFT_WINDOW = 5_000;
export const DRIFT_MIN_VALUES = 1_000;
/**
 * Bars of history a timeframe is primed with. Far more than the feature set's warm-up: EMA-,
 * Wilder- and MACD-based features remember their whole past, so a state primed with only the
 * warm-up differs from the dataset builder's (which ran over the whole range) by ~1e-4. After
 * 500 bars the remaining weight of anything older is below e^-30 for the slowest (EMA 26).
 */
export const PRIME_BARS = 500;

export interface DriftAlert {
  model: LiveModelSource;
  feature: string;
  psi: number;
  values: number;
  /** Bar time of the bucket that crossed the level. */
  ts: number;
}

export interface SignalEngineDeps<M extends LiveModelSource> {
  /** Scores n rows (row-major float32, the model's input order) in one call. */
  score(model: M, rows: Float32Array, n: number): Promise<Float32Array>;
  /** Stores each model's batch; returns the signals that were new (a bar already recorded is not repeated). */
  store(batches: readonly NewSignalBatch[]): Promise<SignalDto[]>;
  /** Pushes stored signals to clients. */
  publish(signals: readonly SignalDto[]): Promise<void>;
  /** The latest `count` closed bars of each symbol before `before` (oldest first). */
  history(timeframe: Timeframe, before: number, count: number): Promise<Map<string, Candle[]>>;
  /** Records a drift alert (a risk event); called at most once per model, feature and UTC day. */
  drift(alert: DriftAlert): Promise<void>;
  logger: Logger;
  registry?: Registry;
  now?: () => number;
  featureSet?: FeatureSet;
}

export interface BucketBars {
  timeframe: Timeframe;
  ts: number;
  bars: ReadonlyMap<string, Candle>;
  /** performance.now() when the bucket was closed: the latency histogram starts here. */
  closedAt?: number;
}

export interface BucketSignals {
  timeframe: Timeframe;
  ts: number;
  signals: SignalDto[];
  closes: Map<string, number>;
}

interface TimeframeState {
  engine: FeatureEngine;
  lastTs: Map<string, number>;
  /** Buckets that arrived while the history was loading, replayed after it. */
  pending: BucketBars[] | null;
}

interface ModelRun<M extends LiveModelSource> {
  compiled: CompiledModel<M>;
  drift: DriftWindow | null;
  alerted: Set<string>;
}

/**
 * The live loop of issue 6: at each bucket close, every symbol's features are updated in O(1)
 * (the same FeatureState the dataset builder runs), each production and shadow model of that
 * timeframe scores all ready symbols in ONE inference call, and the verdicts are stored in one
 * statement, pushed, and handed to the strategies. A row with a non-finite value never reaches
 * a model: it is skipped and counted. Each model's live inputs feed a drift window read against
 * the card's training distribution.
 */
export class SignalEngine<M extends LiveModelSource = LiveModelSource> {
  private readonly featureSet: FeatureSet;
  private readonly timeframes = new Map<Timeframe, TimeframeState>();
  private runs = new Map<string, ModelRun<M>>();
  private readonly now: () => number;
  private readonly m;
  private row: Float64Array;

  constructor(private readonly deps: SignalEngineDeps<M>) {
    this.featureSet = deps.featureSet ?? FEATURE_SET_V1;
    this.now = deps.now ?? Date.now;
    this.row = new Float64Array(this.featureSet.features.length);
    const registers = deps.registry ? [deps.registry] : [];
    this.m = {
      latency: new Histogram({
        name: 'ml_bar_close_to_signal_seconds',
        help: 'From a bucket closing to its signals stored and pushed',
        buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
        registers,
      }),
      signals: new Counter({ name: 'ml_signals_total', help: 'Signals stored', labelNames: ['model', 'stage', 'signal'] as const, registers }),
      skipped: new Counter({ name: 'ml_signals_skipped_total', help: 'Bars that produced no signal, by reason (non-finite features are never fed to a model)', labelNames: ['model', 'reason'] as const, registers }),
      psi: new Gauge({ name: 'ml_feature_psi', help: 'PSI of a live feature against the training distribution in the model card', labelNames: ['model', 'feature'] as const, registers }),
    };
  }

  /** Models running now (compiled), by id. */
  get models(): CompiledModel<M>[] {
    return [...this.runs.values()].map((r) => r.compiled);
  }

  /**
   * Replaces the running models (production + shadow, from the registry). A model whose card
   * cannot run live is logged and left out. Timeframes newly needed are primed from history.
   */
  async setModels(models: readonly M[]): Promise<void> {
    const next = new Map<string, ModelRun<M>>();
    for (const model of models) {
      const key = `${model.id}|${model.stage}`;
      const kept = this.runs.get(key);
      if (kept) {
        next.set(key, kept);
        continue;
      }
      const compiled = compileModel(model, this.featureSet);
      if ('error' in compiled) {
        this.deps.logger.error({ model: model.id, name: model.name, version: model.version, reason: compiled.error }, 'model cannot run live; left out');
        continue;
      }
      const drift = compiled.distributions ? new DriftWindow(compiled.distributions, DRIFT_WINDOW) : null;
      next.set(key, { compiled, drift, alerted: new Set() });
      this.deps.logger.info({ model: model.id, name: model.name, version: model.version, stage: model.stage, timeframe: compiled.timeframe }, 'model running live');
    }
    this.runs = next;
    const needed = new Set([...next.values()].map((r) => r.compiled.timeframe));
    for (const tf of needed) if (!this.timeframes.has(tf)) await this.prime(tf);
  }

  private async prime(timeframe: Timeframe): Promise<void> {
    const state: TimeframeState = { engine: new FeatureEngine(this.featureSet), lastTs: new Map(), pending: [] };
    this.timeframes.set(timeframe, state);
    try {
      // Only closed buckets: the one in progress arrives through the feed when it closes.
      const history = await this.deps.history(timeframe, bucketStart(this.now(), timeframe), Math.max(PRIME_BARS, this.featureSet.params.warmupBars));
      for (const [symbol, bars] of history) for (const bar of bars) this.feed(state, symbol, bar);
      this.deps.logger.info({ timeframe, symbols: history.size }, 'live features primed from history');
    } catch (err) {
      this.deps.logger.error({ timeframe, err: (err as Error).message }, 'priming live features failed; they warm up from live bars');
    }
    const pending = state.pending ?? [];
    state.pending = null;
    for (const b of pending) await this.onBucket(b);
  }

  /** Feeds one bar to a symbol's state; a bar not newer than its last one is ignored. */
  private feed(state: TimeframeState, symbol: string, bar: Candle): 'row' | 'warmup' | 'non-finite' | 'old' {
    if ((state.lastTs.get(symbol) ?? Number.NEGATIVE_INFINITY) >= bar.ts) return 'old';
    state.lastTs.set(symbol, bar.ts);
    const s = state.engine.stateOf(symbol);
    const nonFiniteBefore = s.stats.nonFinite;
    if (s.update(bar, this.row)) return 'row';
    return s.stats.nonFinite > nonFiniteBefore ? 'non-finite' : 'warmup';
  }

  /** One closed bucket: features, one inference call per model, one insert, one publish. */
  async onBucket(bucket: BucketBars): Promise<BucketSignals> {
    const out: BucketSignals = { timeframe: bucket.timeframe, ts: bucket.ts, signals: [], closes: new Map() };
    const state = this.timeframes.get(bucket.timeframe);
    if (!state) return out;
    if (state.pending) {
      state.pending.push(bucket);
      return out;
    }
    const runs = [...this.runs.values()].filter((r) => r.compiled.timeframe === bucket.timeframe);
    if (runs.length === 0) return out;

    // 1. Features: every symbol of the bucket, ready rows packed together.
    const width = this.featureSet.features.length;
    const symbols: string[] = [];
    const closes: number[] = [];
    const rows = new Float64Array(bucket.bars.size * width);
    let nonFinite = 0;
    for (const [symbol, bar] of bucket.bars) {
      const r = this.feed(state, symbol, bar);
      if (r === 'non-finite') nonFinite += 1;
      if (r !== 'row') continue;
      rows.set(this.row, symbols.length * width);
      symbols.push(symbol);
      closes.push(bar.close);
      out.closes.set(symbol, bar.close);
    }

    // 2. Each model scores all ready rows at once into one packed batch. Ids take their random
    // bits from one buffer per bucket: a system call per id cost ~2 ms per 500 signals.
    const batches: NewSignalBatch[] = [];
    const random = randomFillSync(Buffer.allocUnsafe(16 * symbols.length * runs.length));
    let nextRandom = 0;
    for (const run of runs) {
      const model = run.compiled.source;
      if (nonFinite > 0) this.m.skipped.inc({ model: model.name, reason: 'non_finite_features' }, nonFinite);
      const { input, kept } = this.inputOf(run.compiled, rows, symbols.length);
      const dropped = symbols.length - kept.length;
      if (dropped > 0) this.m.skipped.inc({ model: model.name, reason: 'non_finite_float32' }, dropped);
      if (kept.length === 0) continue;
      const cols = run.compiled.columns.length;
      const scores = await this.deps.score(model, input, kept.length);
      const batch = emptyBatch({ modelId: model.id, modelName: model.name, modelVersion: model.version, stage: model.stage, timeframe: bucket.timeframe, ts: bucket.ts }, kept.length, cols);
      let n = 0;
      for (let k = 0; k < kept.length; k += 1) {
        const i = kept[k]!;
        const score = scores[k]!;
        const verdict = signalOf(score, run.compiled.threshold);
        if (verdict === null) {
          this.m.skipped.inc({ model: model.name, reason: 'score_out_of_range' });
          continue;
        }
        const features = input.subarray(k * cols, (k + 1) * cols);
        // Stamped with the bar time: the id alone leads to its stored batch (SignalsRepository.detail).
        uuidv7({ msecs: bucket.ts, random: random.subarray(nextRandom, nextRandom + 16) }, batch.ids, n * 16);
        nextRandom += 16;
        hashFeaturesInto(features, batch.hashes, n * 32);
        batch.features.set(features, n * cols);
        batch.symbols.push(symbols[i]!);
        batch.scores[n] = score;
        batch.verdicts.push(verdict);
        batch.closeTicks.push(closes[i]!);
        run.drift?.add(features);
        n += 1;
      }
      if (n > 0) batches.push(n === kept.length ? batch : trimBatch(batch, n));
    }

    // 3. One insert per model, one publish, then the strategies.
    out.signals = await this.deps.store(batches);
    await this.deps.publish(out.signals);
    if (bucket.closedAt !== undefined) this.m.latency.observe((performance.now() - bucket.closedAt) / 1000);
    // Counted per label set, not per signal (a label lookup per inc adds up over 500 signals).
    const names = new Map(runs.map((r) => [r.compiled.source.id, r.compiled.source.name]));
    const counts = new Map<string, { model: string; stage: string; signal: string; n: number }>();
    for (const s of out.signals) {
      const key = `${s.modelId}|${s.stage}|${s.signal}`;
      const c = counts.get(key);
      if (c) c.n += 1;
      else counts.set(key, { model: names.get(s.modelId) ?? s.modelId, stage: s.stage, signal: s.signal, n: 1 });
    }
    for (const c of counts.values()) this.m.signals.inc({ model: c.model, stage: c.stage, signal: c.signal }, c.n);
    await this.checkDrift(runs, bucket.ts);
    return out;
  }

  /** The model's input rows (card column order, float32); rows not finite as float32 are left out. */
  private inputOf(compiled: CompiledModel<M>, rows: Float64Array, n: number): { input: Float32Array; kept: number[] } {
    const width = this.featureSet.features.length;
    const cols = compiled.columns;
    const input = new Float32Array(n * cols.length);
    const kept: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const at = kept.length * cols.length;
      let finite = true;
      for (let j = 0; j < cols.length; j += 1) {
        const v = Math.fround(rows[i * width + cols[j]!]!);
        if (!Number.isFinite(v)) finite = false;
        input[at + j] = v;
      }
      if (finite) kept.push(i);
    }
    return { input: input.subarray(0, kept.length * cols.length), kept };
  }

  private async checkDrift(runs: ModelRun<M>[], ts: number): Promise<void> {
    const day = new Date(this.now()).toISOString().slice(0, 10);
    for (const run of runs) {
      if (!run.drift || run.drift.size < DRIFT_MIN_VALUES) continue;
      const model = run.compiled.source;
      const values = run.drift.psi();
      for (let j = 0; j < values.length; j += 1) {
        const feature = run.compiled.distributions![j]!.name;
        const value = values[j]!;
        this.m.psi.set({ model: model.name, feature }, value);
        const key = `${day}|${feature}`;
        if (value > PSI_ALERT && !run.alerted.has(key)) {
          run.alerted.add(key);
          await this.deps.drift({ model, feature, psi: value, values: run.drift.size, ts });
        }
      }
    }
  }
}

/** SHA-256 of the exact float32 input (little-endian bytes as the model received them). */
export function hashFeatures(features: Float32Array): string {
  return oneShotHash('sha256', new Uint8Array(features.buffer, features.byteOffset, features.byteLength), 'hex');
}

/**
 * `hashFeatures` as 32 bytes written into `out` at `offset`. One-shot `crypto.hash`: a
 * `createHash` object per signal is a native handle the young-generation GC must finalize one
 * by one, which made every ~20th bar close pay a 4–9 ms scavenge at 500 signals per close.
 */
function hashFeaturesInto(features: Float32Array, out: Uint8Array, offset: number): void {
  out.set(oneShotHash('sha256', new Uint8Array(features.buffer, features.byteOffset, features.byteLength), 'buffer'), offset);
}

/** The first `n` signals of a batch (the rest were skipped). */
function trimBatch(b: NewSignalBatch, n: number): NewSignalBatch {
  return { ...b, ids: b.ids.subarray(0, n * 16), hashes: b.hashes.subarray(0, n * 32), features: b.features.subarray(0, n * b.width), scores: b.scores.subarray(0, n) };
}
