import { z } from 'zod';
import { TIMEFRAMES } from '@tradeloop/domain';
import { InstantInputSchema, orNull, trimmedText } from '../common';
import { pageOf, PageQuerySchema } from '../common/pagination.schema';
import { PositiveAmountSchema } from '../wallet/wallet.schema';
import { STRATEGY_KINDS } from '../ml/models.schema';

/**
 * Backtests (docs/backtests.md "Runs, storage and API"; docs/api.md "Backtests"): a stored,
 * cancellable worker job that replays stored candles through a strategy.
 */
export const BACKTEST_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];
/** Statuses a backtest never leaves. */
export const BACKTEST_FINAL_STATUSES: readonly BacktestStatus[] = ['completed', 'failed', 'cancelled'];

export const FILL_AT = ['next_open', 'close'] as const;
export const BacktestFillModelSchema = z.strictObject({
  /** A market order decided on bar t fills at bar t+1's open (default) or at bar t's close. */
  at: z.enum(FILL_AT).default('next_open'),
  /** The fill price moves against the order by this many basis points (0–1000). */
  slippageBps: z.number().min(0).max(1000).default(0),
  /** 0 < p ≤ 1: at most floor(p × bar volume) units fill per bar; absent fills whole. */
  maxParticipation: z.number().gt(0).max(1).optional(),
});
export type BacktestFillModelDto = z.infer<typeof BacktestFillModelSchema>;

/** Symbols of one backtest: at most this many. */
export const BACKTEST_MAX_SYMBOLS = 500;

const SweepScalar = z.union([z.number(), z.string().max(200), z.boolean()]);
/** Default out-of-sample share of a sweep's range (its last 30 %). */
export const BACKTEST_DEFAULT_OUT_OF_SAMPLE = 0.3;

export const CreateBacktestSchema = z
  .strictObject({
    strategy: z.strictObject({
      kind: z.enum(STRATEGY_KINDS),
      /** Checked against the kind's own schema (400 naming `strategy.params.<field>`). */
      /** A value that is an array makes a sweep: one child run per combination (docs/backtests.md "Sweeps"). */
      params: z.record(z.string().max(64), z.union([SweepScalar, z.array(SweepScalar).min(1).max(100)])).default({}),
      modelId: z.uuid('not a model id').optional(),
    }),
    symbols: z
      .array(trimmedText(40).toUpperCase())
      .min(1)
      .max(BACKTEST_MAX_SYMBOLS)
      .refine((s) => new Set(s).size === s.length, 'symbols must be distinct'),
    timeframe: z.enum(TIMEFRAMES),
    /** The replayed range [from, to). */
    from: InstantInputSchema,
    to: InstantInputSchema,
    fillModel: BacktestFillModelSchema.optional(),
    /** Charge the fee schedule per fill (default true). */
    fees: z.boolean().default(true),
    /** Starting cash, rupees ("100000.00"). */
    initialCapital: PositiveAmountSchema,
    /**
     * A sweep's out-of-sample share of the range (0 < f < 1, default 0.3): every child replays
     * the first 1 − f of [from, to) and, apart, the last f.
     */
    outOfSample: z.number().gt(0).lt(1).optional(),
    /** The caller's strategy this backtest is of: it then lists among the strategy's runs (docs/backtests.md "Strategy runs"). */
    strategyId: z.uuid('not a strategy id').optional(),
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['from'] })
  .refine((r) => r.strategy.kind !== 'ml-signal' || r.strategy.modelId !== undefined, {
    message: 'an ml-signal backtest needs a modelId',
    path: ['strategy', 'modelId'],
  })
  .refine((r) => r.strategy.kind === 'ml-signal' || r.strategy.modelId === undefined, {
    message: 'only an ml-signal backtest takes a modelId',
    path: ['strategy', 'modelId'],
  });
export type CreateBacktestRequest = z.infer<typeof CreateBacktestSchema>;
/** The request as a client writes it (defaults optional). */
export type CreateBacktestInput = z.input<typeof CreateBacktestSchema>;

export const BacktestCreatedSchema = z.object({
  id: z.uuid(),
  status: z.enum(BACKTEST_STATUSES),
  /** A sweep: its child runs, one per combination of params. */
  children: z.array(z.object({ id: z.uuid(), params: z.record(z.string(), z.unknown()) })).optional(),
});
export type BacktestCreated = z.infer<typeof BacktestCreatedSchema>;

/** Money in reports: rupees, 2 places. */
const Money = z.string().regex(/^-?\d+\.\d{2}$/);

/**
 * The report's figures (docs/backtests.md "The engine"): ratios as fractions (0.12 = 12 %), null
 * where undefined (e.g. Sharpe of a flat curve, profit factor without a losing round trip).
 */
export const BacktestMetricsSchema = z.object({
  totalReturn: z.number(),
  cagr: orNull(z.number(), 'no bars, equity ended below zero, or the figure overflows'),
  sharpe: orNull(z.number(), 'fewer than 2 bars, or no variance'),
  sortino: orNull(z.number(), 'as sharpe, or no negative return'),
  /** Deepest fall from a peak of equity, a fraction ≥ 0. */
  maxDrawdown: z.number(),
  winRate: orNull(z.number(), 'no round trip'),
  profitFactor: orNull(z.number(), 'no losing round trip'),
  /** Fills. */
  trades: z.number().int(),
  /** Fees and taxes paid, rupees. */
  fees: Money,
  /** Share of bars with a position. */
  exposure: z.number(),
  /** Traded value over initial capital. */
  turnover: z.number(),
});
export type BacktestMetrics = z.infer<typeof BacktestMetricsSchema>;

export const BacktestSchema = z.object({
  id: z.uuid(),
  status: z.enum(BACKTEST_STATUSES),
  /** 0..1. */
  progress: z.number().min(0).max(1),
  error: orNull(z.string(), 'no error'),
  /** The request as accepted (defaults filled in). */
  request: z.object({
    strategy: z.object({ kind: z.enum(STRATEGY_KINDS), params: z.record(z.string(), z.unknown()), modelId: z.uuid().optional() }),
    symbols: z.array(z.string()),
    timeframe: z.enum(TIMEFRAMES),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    fillModel: z.object({ at: z.enum(FILL_AT), slippageBps: z.number(), maxParticipation: z.number().optional() }),
    fees: z.boolean(),
    initialCapital: Money,
    /** The strategy it was started for, when given. */
    strategyId: z.uuid().optional(),
  }),
  /** ml-signal: the model (`name@version`) and the feature-set version its features were computed with. */
  modelVersion: orNull(z.string(), 'not an ml-signal backtest'),
  featureSetVersion: orNull(z.string(), 'not an ml-signal backtest'),
  metrics: orNull(BacktestMetricsSchema, 'not completed, or a sweep parent'),
  /** A sweep child: its parent, and the in-sample / out-of-sample boundary (`metrics` are in-sample). */
  parentId: orNull(z.uuid(), 'not a sweep child'),
  splitAt: orNull(z.iso.datetime(), 'not a sweep child'),
  outOfSampleMetrics: orNull(BacktestMetricsSchema, 'not a completed sweep child'),
  /** A sweep parent: its children, each with its params and both metric sets. */
  children: orNull(
    z.array(
      z.object({
        id: z.uuid(),
        status: z.enum(BACKTEST_STATUSES),
        progress: z.number().min(0).max(1),
        params: z.record(z.string(), z.unknown()),
        metrics: orNull(BacktestMetricsSchema, 'not completed'),
        outOfSampleMetrics: orNull(BacktestMetricsSchema, 'not completed'),
      }),
    ),
    'not a sweep',
  ),
  /** A sweep parent: the out-of-sample share and where it starts. */
  sweep: orNull(z.object({ combinations: z.number().int(), outOfSample: z.number(), splitAt: z.iso.datetime() }), 'not a sweep'),
  barsProcessed: z.number().int(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type BacktestDto = z.infer<typeof BacktestSchema>;

/** One fill of a backtest. */
export const BacktestTradeSchema = z.object({
  seq: z.number().int(),
  ts: z.iso.datetime(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: z.number().int(),
  /** Fill price, rupees (up to 4 places). */
  price: z.string().regex(/^-?\d+\.\d{2,4}$/),
  fees: Money,
  /** Realised P&L of this fill (its closing part), rupees, before fees. */
  realizedPnl: Money,
  /** A sweep child's fills: of the in-sample run or the out-of-sample run ("in" for a single backtest). */
  sample: z.enum(['in', 'out']),
});
export type BacktestTradeDto = z.infer<typeof BacktestTradeSchema>;
export const BacktestTradesQuerySchema = PageQuerySchema;
export const BacktestTradePageSchema = pageOf(BacktestTradeSchema);

/** `GET /backtests/:id/equity` as JSON: equity per bar, rupees. Arrow: columns ts (timestamp ms) and equity (float64 rupees). */
export const BacktestEquitySchema = z.object({
  points: z.array(z.object({ ts: z.iso.datetime(), equity: Money })),
});
export type BacktestEquity = z.infer<typeof BacktestEquitySchema>;

/** Realtime `backtest.progress` to the owner's room. */
export const BacktestProgressEventSchema = z.object({ id: z.uuid(), progress: z.number().min(0).max(1), seq: z.number().int().positive() });
export type BacktestProgressEvent = z.infer<typeof BacktestProgressEventSchema>;

/** `GET /backtests`: the caller's backtests, newest first, cursor-paged. */
export const BacktestListQuerySchema = PageQuerySchema;
/** One line of the list: what the run was asked and how it ended, without its trades. */
export const BacktestSummarySchema = z.object({
  id: z.uuid(),
  status: z.enum(BACKTEST_STATUSES),
  progress: z.number().min(0).max(1),
  strategy: z.object({ kind: z.enum(STRATEGY_KINDS), params: z.record(z.string(), z.unknown()), modelId: z.uuid().optional() }),
  symbols: z.array(z.string()),
  timeframe: z.enum(TIMEFRAMES),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  metrics: orNull(BacktestMetricsSchema, 'not completed'),
  /** A sweep parent: how many child runs it has. */
  children: orNull(z.number().int(), 'not a sweep'),
});
export type BacktestSummaryDto = z.infer<typeof BacktestSummarySchema>;
export const BacktestListPageSchema = pageOf(BacktestSummarySchema);
