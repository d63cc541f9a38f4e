import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { OrderIntent, SignalInput, Strategy } from '../strategies/strategy';
import type { SignalVerdict } from '../signals/signal-rule';
import type { FeeSchedule } from '../trading/fees';
import type { OrderSide, Product } from '../trading/order';
import type { Position } from '../trading/position';
import type { RiskLimits } from '../trading/risk';
import type { TradeValue } from '../trading/units';
import type { Quantity } from '../units';

/**
 * One symbol's bars, columnar (docs/backtests.md, "The engine"): `ts` epoch ms of the bar's start,
 * ascending; open/high/low/close integer price ticks; volume units. All columns the same length.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** How orders fill (docs/backtests.md, "Fill model"); echoed in every result. */
export interface FillModel {
  /** A market order decided on bar t fills at bar t+1's open ('next_open') or at bar t's close ('close'). */
  readonly at: 'next_open' | 'close';
  /** The fill price moves against the order by this many basis points, rounded to a whole tick against it. */
  readonly slippageBps: number;
  /** 0 < p ≤ 1: at most floor(p × bar volume) units fill per bar, the rest waits; null fills whole. */
  readonly maxParticipation: number | null;
}

export const DEFAULT_FILL_MODEL: FillModel = Object.freeze({ at: 'next_open', slippageBps: 0, maxParticipation: null });

/**
 * One symbol's pre-scored signals as columns, ascending ts (docs/backtests.md "ml-signal over
 * history"): a model backtest has one per scored bar, and columns cost one allocation each instead
 * of an object and an id string per signal, and cross to the replay thread as three copies. The
 * engine hands the strategy a SignalInput per signal as it reaches its bar, id `<symbol>@<ts>`.
 */
export interface SignalColumns {
  readonly ts: Float64Array;
  /** SIGNAL_CODES of the verdict. */
  readonly verdict: Uint8Array;
  readonly score: Float32Array;
}

/** A verdict's code in SignalColumns.verdict (0 is no code). */
export const SIGNAL_CODES: Readonly<Record<SignalVerdict, number>> = Object.freeze({ BUY: 1, SELL: 2, HOLD: 3 });

export interface BacktestConfig {
  /** The same Strategy implementation the live runner uses, fresh (no state from another run). */
  readonly strategy: Strategy;
  readonly series: readonly BarSeries[];
  /**
   * ml-signal: pre-scored signals per symbol, a list or columns, ascending ts; a signal reaches
   * onSignal at its bar.
   */
  readonly signals?:
    | Readonly<Record<string, readonly SignalInput[] | SignalColumns>>
    | ReadonlyMap<string, readonly SignalInput[] | SignalColumns>;
  readonly fillModel: FillModel;
  /** Charges per fill through computeFees; null runs without fees. */
  readonly fees: FeeSchedule | null;
  readonly product: Product;
  readonly initialCapital: Paise;
  /** Pre-trade risk limits (checkPreTradeRisk); null/absent checks nothing. */
  readonly riskLimits?: RiskLimits | null;
  /** Lot size per symbol for the risk check's LOT_SIZE rule (default 1). */
  readonly lotSizes?: Readonly<Record<string, number>>;
  /** onProgress and shouldStop are consulted every this many bars (default 65 536). */
  readonly progressEvery?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly shouldStop?: () => boolean;
}

export type BacktestOrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';

/**
 * What the engine's order book accepts: a strategy's OrderIntent (a market order), optionally
 * carrying a limit price and/or a trigger (LIMIT: price; SL: price and triggerPrice; SL-M:
 * triggerPrice). Today's strategies emit market intents only.
 */
export interface BacktestOrderIntent extends OrderIntent {
  readonly type?: BacktestOrderType;
  readonly price?: PriceTicks | null;
  readonly triggerPrice?: PriceTicks | null;
}

/** One fill. */
export interface BacktestTrade {
  /** The bar (its start, epoch ms) the fill happened in. */
  readonly ts: number;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Quantity;
  /** Fill price, ticks (slippage included). */
  readonly price: PriceTicks;
  /** Fees and taxes of this fill, paise (0n without a fee schedule). */
  readonly fees: Paise;
  /** Realised P&L this fill made (closing part), tick-units (ticks·units), before fees. */
  readonly realisedPnl: TradeValue;
}

/** An order the pre-trade risk check refused. */
export interface BacktestRefusal {
  readonly ts: number;
  readonly symbol: string;
  readonly rule: string;
  readonly reason: string;
}

/** An order still waiting when the data ran out (e.g. next_open on the last bar). */
export interface BacktestUnfilledOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: BacktestOrderType;
  /** The bar the order was decided on. */
  readonly ts: number;
  readonly quantity: Quantity;
  readonly remainingQuantity: Quantity;
}

export interface BacktestPosition {
  readonly symbol: string;
  /** Net units at the end (positive long, negative short). */
  readonly netQuantity: Quantity;
  /** Realised P&L over the run, tick-units, before fees (realizedPnl of `position`). */
  readonly realisedPnl: TradeValue;
  /** The full weighted-average position (docs/domain.md, "Fills and positions"). */
  readonly position: Position;
  /** The last close seen for the symbol, ticks (null if no bar). */
  readonly mark: PriceTicks | null;
}

export interface BacktestResult {
  /** 'cancelled' when shouldStop() stopped it: never reported as complete. */
  readonly status: 'completed' | 'cancelled';
  readonly trades: readonly BacktestTrade[];
  readonly refusals: readonly BacktestRefusal[];
  /**
   * One point per distinct bar ts processed: equity = cash + Σ position × last close, integer
   * tick-units (exact below 2^53). With one series, `ts` is (a view of) that series' ts column.
   */
  readonly equity: { readonly ts: Float64Array; readonly value: Float64Array };
  /** initialCapital in tick-units (the equity before the first bar). */
  readonly initialEquity: number;
  readonly positions: readonly BacktestPosition[];
  readonly unfilled: readonly BacktestUnfilledOrder[];
  /** Total fees paid, paise. */
  readonly feesPaid: Paise;
  readonly barsProcessed: number;
  readonly barsTotal: number;
  readonly fillModel: FillModel;
}
