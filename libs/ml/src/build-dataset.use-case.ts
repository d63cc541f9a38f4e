import { Inject, Injectable } from '@nestjs/common';
import {
  assertHorizon,
  buildSymbolRows,
  DomainError,
  FEATURE_SET_V1,
  isTimeframe,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type CandleColumns,
  type SymbolRows,
  type FeatureSet,
  type FieldError,
  type Timeframe,
} from '@tradeloop/domain';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import type { DatasetDescription } from './dataset-arrow';

/** Symbols read ahead of the one being computed (each read holds a pooled connection briefly). */
const READ_AHEAD = 3;

/** What to build: symbols, the range [from, to) in epoch ms, bar timeframe and label horizon (bars). */
export interface DatasetRequest {
  symbols: readonly string[];
  from: number;
  to: number;
  timeframe: Timeframe;
  horizon: number;
}

/** Per symbol, where its bars went. */
export interface SymbolReport {
  symbol: string;
  bars: number;
  rows: number;
  warmup: number;
  nonFinite: number;
  /** Feature name → rows it made non-finite (only features that did). */
  nonFiniteByFeature: Record<string, number>;
  beyondHorizon: number;
}

export interface BuiltDataset {
  description: DatasetDescription;
  /** Labelled rows per symbol; `writeDatasetArrowFile` merges them by ts, then symbol. */
  parts: SymbolRows[];
  /** Rows in all. */
  rows: number;
  report: SymbolReport[];
}

/** Checks a request's shape; throws VALIDATION_FAILED listing every problem at once. */
export function validateDatasetRequest(r: DatasetRequest): void {
  const errors: FieldError[] = [];
  if (r.symbols.length === 0) errors.push({ field: 'symbols', message: 'give at least one symbol' });
  if (new Set(r.symbols).size !== r.symbols.length) errors.push({ field: 'symbols', message: 'a symbol is listed twice' });
  if (!isTimeframe(r.timeframe)) errors.push({ field: 'timeframe', message: `must be one of ${TIMEFRAMES.join(', ')}` });
  if (!Number.isFinite(r.from)) errors.push({ field: 'from', message: 'not a valid time' });
  if (!Number.isFinite(r.to)) errors.push({ field: 'to', message: 'not a valid time' });
  if (Number.isFinite(r.from) && Number.isFinite(r.to) && r.from >= r.to) errors.push({ field: 'from', message: 'must be before to' });
  try {
    assertHorizon(r.horizon);
  } catch {
    errors.push({ field: 'horizon', message: 'must be a positive whole number of bars' });
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { fieldErrors: errors });
}

/**
 * Builds a training dataset from stored candles: for each symbol, its closed bars in the range
 * (chunks and loose rows merged by the candles repository) go through the feature set's one
 * implementation and are labelled (merging them by ts, then symbol, happens as they are written).
 * A bar is used when it lies wholly inside [from, to) and had closed by `now`.
 */
@Injectable()
export class BuildDatasetUseCase {
  constructor(
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
  ) {}

  async execute(req: DatasetRequest, opts: { now?: number; featureSet?: FeatureSet } = {}): Promise<BuiltDataset> {
    validateDatasetRequest(req);
    const featureSet = opts.featureSet ?? FEATURE_SET_V1;
    const symbols = [...req.symbols].sort();
    const known = await this.instruments.existing(symbols);
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw new DomainError('VALIDATION_FAILED', `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
        fieldErrors: [{ field: 'symbols', message: `not in the instrument master: ${unknown.join(', ')}` }],
      });
    }
    const now = opts.now ?? Date.now();
    const parts: SymbolRows[] = [];
    // Reads run a few symbols ahead of the feature computation, so Postgres works while we compute.
    const reads = new Map<number, Promise<CandleColumns>>();
    const read = (i: number) => {
      if (i >= symbols.length || reads.has(i)) return;
      const p = this.closedBars(symbols[i]!, req, now);
      // A read still ahead when an earlier one fails is never awaited: keep its rejection handled.
      p.catch(() => undefined);
      reads.set(i, p);
    };
    for (let i = 0; i < symbols.length; i += 1) {
      for (let j = i; j < i + READ_AHEAD; j += 1) read(j);
      const bars = await reads.get(i)!;
      reads.delete(i);
      parts.push(buildSymbolRows(symbols[i]!, bars, req.horizon, featureSet));
    }
    const report = parts.map((p) => ({
      symbol: p.symbol,
      bars: p.stats.bars,
      rows: p.length,
      warmup: p.stats.warmup,
      nonFinite: p.stats.nonFinite,
      nonFiniteByFeature: Object.fromEntries(featureSet.features.map((f, i) => [f, p.stats.nonFiniteByFeature[i]!] as const).filter(([, n]) => n > 0)),
      beyondHorizon: p.stats.beyondHorizon,
    }));
    const rows = parts.reduce((n, p) => n + p.length, 0);
    return { description: { featureSet, timeframe: req.timeframe, horizon: req.horizon, symbols, from: req.from, to: req.to, createdAt: now }, parts, rows, report };
  }

  /**
   * The symbol's bars of the timeframe that start at or after `from` and end by `to` and by
   * `now` (an unfinished bar is never a training row), in one read (the symbol was checked).
   */
  private closedBars(symbol: string, req: DatasetRequest, now: number): Promise<CandleColumns> {
    const end = Math.min(req.to, now) - TIMEFRAME_MS[req.timeframe] + 1; // last admissible bar start + 1
    return this.candles.readRange(symbol, req.timeframe, req.from, Math.max(req.from, end));
  }
}
