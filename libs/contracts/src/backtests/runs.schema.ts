import { z } from 'zod';
import { orNull } from '../common';
import { BacktestMetricsSchema } from './backtests.schema';

/**
 * Runs (docs/backtests.md "Strategy runs"; docs/api.md "Runs"): backtests and each start → stop
 * of a paper or live strategy, in one report shape so they compare side by side.
 */
export const RUN_KINDS = ['backtest', 'paper', 'live'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** Money: rupees, 2 places. */
const Money = z.string().regex(/^-?\d+\.\d{2}$/);

export const RunsQuerySchema = z.strictObject({ strategyId: z.uuid('not a strategy id') });
export type RunsQuery = z.infer<typeof RunsQuerySchema>;

/** At most this many runs compare at once. */
export const RUNS_COMPARE_MAX = 5;

export const RunsCompareQuerySchema = z.strictObject({
  ids: z
    .string()
    .max(40 * RUNS_COMPARE_MAX + RUNS_COMPARE_MAX)
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(
      z
        .array(z.uuid('not a run id'))
        .min(2, 'at least two run ids')
        .max(RUNS_COMPARE_MAX, `at most ${RUNS_COMPARE_MAX} run ids`)
        .refine((a) => new Set(a).size === a.length, 'run ids must be distinct'),
    ),
});
export type RunsCompareQuery = z.infer<typeof RunsCompareQuerySchema>;

/**
 * In a comparison each run's curve is drawn from at most this many of its points: a longer one
 * is thinned (first and last point, each bucket's lowest and highest — docs/backtests.md
 * "Strategy runs"); divergences are computed on the full curves.
 */
export const RUNS_COMPARE_MAX_POINTS = 2_000;

export const RunSchema = z.object({
  id: z.uuid(),
  kind: z.enum(RUN_KINDS),
  /** A backtest's status; a paper or live run is `running` until stopped, then `stopped`. */
  status: z.string(),
  strategyId: orNull(z.uuid(), 'a backtest not started for a strategy'),
  /** The period the run covers: a backtest's range, a strategy run's start and stop (null while open). */
  from: z.iso.datetime(),
  to: orNull(z.iso.datetime(), 'still running'),
  /** Why a paper or live run ended: user, kill_switch, error. */
  stopReason: orNull(z.string(), 'a backtest, or still running'),
  /** The capital its returns are measured against, rupees. */
  capital: Money,
  /** The strategy's configuration as the run started (kind, symbols, params, …); a backtest's request. */
  config: z.record(z.string(), z.unknown()),
  /** A paper or live run's metrics over its minute snapshots so far; a backtest's once completed. */
  metrics: orNull(BacktestMetricsSchema, 'a backtest not completed'),
  /** Points of its equity curve (minute snapshots for paper and live). */
  points: z.number().int(),
});
export type RunDto = z.infer<typeof RunSchema>;

export const RunListSchema = z.object({ items: z.array(RunSchema) });
export type RunList = z.infer<typeof RunListSchema>;

const Positions = z.record(z.string(), z.number().int());

export const RunsCompareSchema = z.object({
  runs: z.array(RunSchema),
  /** The runs' equity curves on one time axis (the union of their times); each value as of that time, null outside the run. */
  equity: z.array(z.object({ ts: z.iso.datetime(), values: z.array(orNull(Money, 'outside the run')) })),
  /**
   * Per run, in the order of `runs`: its curve's points and how many of them `equity` shows (at
   * most RUNS_COMPARE_MAX_POINTS; `thinned` when fewer than all).
   */
  curves: z.array(z.object({ id: z.uuid(), points: z.number().int(), shown: z.number().int(), thinned: z.boolean() })),
  /** For each paper or live run beside a backtest over an overlapping period: where they diverged. */
  divergences: z.array(
    z.object({
      a: z.uuid(),
      b: z.uuid(),
      overlap: orNull(z.object({ from: z.iso.datetime(), to: z.iso.datetime() }), 'the periods do not overlap'),
      /** The first time in the overlap their positions differ (net units per symbol, each as of then). */
      firstPositionDifference: orNull(z.object({ ts: z.iso.datetime(), a: Positions, b: Positions }), 'positions never differ'),
      /** P&L of a − P&L of b at the end of the overlap, rupees. */
      pnlDifferenceAtEnd: orNull(Money, 'the periods do not overlap'),
    }),
  ),
});
export type RunsCompare = z.infer<typeof RunsCompareSchema>;
