import { DomainError } from '../errors';
import type { Paise } from '../money';
import type { Candle } from '../market/candle';
import type { SignalVerdict } from '../signals/signal-rule';
import type { SignalInput } from '../strategies/strategy';
import { computeFees } from '../trading/fees';
import { PRODUCTS, type OrderSide } from '../trading/order';
import { applyFillToPosition, FLAT_POSITION, realizedPnl, type Position } from '../trading/position';
import { checkPreTradeRisk, type KillSwitches, type RiskState } from '../trading/risk';
import { paiseToValue, tradeValue, valueToPaise, type TradeValue } from '../trading/units';
import { participationCap, restingOrderFill, slippageUnits, slippedPrice } from './fills';
import type {
  BacktestConfig,
  BacktestOrderIntent,
  BacktestOrderType,
  BacktestRefusal,
  BacktestResult,
  BacktestTrade,
  BacktestUnfilledOrder,
  BarSeries,
  SignalColumns,
} from './types';
import { SIGNAL_CODES } from './types';

/** Integers in JS numbers are exact up to here (docs/backtests.md, "Money"). */
const BOUND = BigInt(Number.MAX_SAFE_INTEGER);
/** Below this a fill's cash and gross values need no exact check (every partial sum stays below 2^53). */
const FAST_BOUND = 2 ** 52;
/**
 * The per-bar accumulators live in one Float64Array, not in closure variables: a double in a
 * closure's context is boxed anew on every write, a typed-array slot never is.
 */
const CASH = 0;
/** Σ net × last close, tick-units. */
const HOLDINGS = 1;
/** Fees paid so far, tick-units. */
const FEES = 2;
/** P&L before fees at the start of the current IST day, tick-units (the daily-loss rule). */
const DAY_START_PNL = 3;
/** Σ |net| × the series' highest high: with |cash| it bounds every equity the run can show. */
const GROSS = 4;
const DEFAULT_PROGRESS_EVERY = 65_536;
/** Days for the daily-loss rule are IST calendar days (docs/domain.md, "Risk"). */
const IST_OFFSET_MS = 19_800_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** A backtest has no kill switches: the run is the only trader. */
const NO_SWITCHES: KillSwitches = Object.freeze({ global: { engaged: false }, user: { engaged: false }, strategy: null });

/** An order in the engine's book. */
interface WorkingOrder {
  readonly seq: number;
  /** Series index. */
  readonly s: number;
  readonly side: OrderSide;
  readonly sign: 1 | -1;
  /** MARKET, LIMIT, SL, SL-M; a triggered stop becomes MARKET (SL-M) or LIMIT (SL). */
  type: BacktestOrderType;
  readonly placedType: BacktestOrderType;
  readonly quantity: number;
  remaining: number;
  readonly price: number | null;
  readonly triggerPrice: number | null;
  /** The bar it was decided on. */
  readonly ts: number;
  /** Turnover of its fills so far: the brokerage cap is per order (computeFees). */
  turnover: TradeValue;
}

const invalid = (message: string): DomainError => new DomainError('VALIDATION_FAILED', message);

/**
 * Replays `config.series` through `config.strategy` (docs/backtests.md, "The engine"): bars of all
 * symbols merged by ts (ties in series order); at each bar the orders waiting for it fill first,
 * then the strategy sees the closed bar (and ml-signal its signals for it), and its intents
 * become orders (through checkPreTradeRisk when risk limits are given). Positions through
 * applyFillToPosition, charges through computeFees, per fill. Deterministic: no clock, no
 * randomness. Invalid input throws VALIDATION_FAILED; a run whose cash and positions would pass
 * 2^53 tick-units throws UNPROCESSABLE.
 */
export function runBacktest(config: BacktestConfig): BacktestResult {
  const maxHigh = validate(config);
  const { strategy, series, fillModel, product } = config;
  const S = series.length;
  const symbols = series.map((x) => x.symbol);
  const indexOf = new Map(symbols.map((sym, i) => [sym, i]));
  const lengths = series.map((x) => x.ts.length);
  const total = lengths.reduce((a, n) => a + n, 0);
  const slip = slippageUnits(fillModel.slippageBps);
  const participation = fillModel.maxParticipation;
  const atClose = fillModel.at === 'close';
  const schedule = config.fees;
  const limits = config.riskLimits ?? null;
  const lotSizes = config.lotSizes ?? {};
  const every = config.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  const signals = signalsBySeries(config.signals, indexOf, S);
  const sigPtr = new Int32Array(S);

  const positions: Position[] = new Array<Position>(S).fill(FLAT_POSITION);
  /**
   * Mirrors in numbers for the per-bar path: net units and signed units still working (plain
   * arrays: small integers stay untagged, so handing the strategy its position allocates nothing),
   * last close, participation left in the current bar.
   */
  const net: number[] = new Array<number>(S).fill(0);
  const pending: number[] = new Array<number>(S).fill(0);
  const lastClose = new Float64Array(S);
  const budget = new Float64Array(S);
  const book: WorkingOrder[][] = series.map(() => []);
  /** Realised P&L of each symbol's position after its last fill. */
  const realised: TradeValue[] = new Array<TradeValue>(S).fill(0n);
  const capital = Number(paiseToValue(config.initialCapital));
  const acc = new Float64Array(5);
  acc[CASH] = capital;
  let feesPaid: Paise = 0n;
  let seq = 0;
  const trades: BacktestTrade[] = [];
  const refusals: BacktestRefusal[] = [];
  const recentOrders: number[] = [];
  let day = Number.NaN;

  // One symbol: an equity point per bar, at the bar's own ts, so the curve's ts is the input's column.
  const ownTs = S > 1;
  const eqTs = new Float64Array(ownTs ? total : 0);
  const eqValue = new Float64Array(total);
  let points = 0;

  const candle: Candle = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let cur = -1;

  function fill(o: WorkingOrder, quantity: number, price: number, ts: number): void {
    const s = o.s;
    const before = positions[s]!;
    const after = applyFillToPosition(before, o.side, quantity, price);
    const fees: Paise =
      schedule === null ? 0n : computeFees({ side: o.side, product, quantity, price, orderTurnoverBefore: o.turnover }, schedule).total;
    const netBefore = net[s]!;
    const netAfter = after.netQuantity;
    const value = quantity * price;
    const feeTicks = Number(fees) * 100;
    let cash = acc[CASH]! + (o.sign === 1 ? -value : value) - feeTicks;
    const gross = acc[GROSS]! + (Math.abs(netAfter) - Math.abs(netBefore)) * maxHigh[s]!;
    if (!(value < FAST_BOUND && Math.abs(cash) + gross < FAST_BOUND))
      cash = exactCash(acc[CASH]!, o.sign, quantity, price, fees, gross, ts);
    positions[s] = after;
    o.remaining -= quantity;
    // Only a later fill of the same order needs its turnover so far.
    if (o.remaining > 0) o.turnover += tradeValue(quantity, price);
    acc[CASH] = cash;
    acc[GROSS] = gross;
    acc[HOLDINGS] = acc[HOLDINGS]! - netBefore * lastClose[s]! + netAfter * lastClose[s]!;
    acc[FEES] = acc[FEES]! + feeTicks;
    net[s] = netAfter;
    pending[s] = pending[s]! - (netAfter - netBefore);
    feesPaid += fees;
    const realisedAfter = realizedPnl(after);
    const realisedPnl: TradeValue = realisedAfter - realised[s]!;
    realised[s] = realisedAfter;
    trades.push({
      ts,
      symbol: symbols[s]!,
      side: o.side,
      quantity,
      price,
      fees,
      realisedPnl,
    });
  }

  /** One order against the current bar of its symbol (`candle`); returns whether it is done. */
  function tryFill(o: WorkingOrder): void {
    let price: number | null;
    let slips: boolean;
    if (o.type === 'MARKET') {
      price = atClose ? candle.close : candle.open;
      slips = true;
    } else {
      const r = restingOrderFill(o as WorkingOrder & { type: 'LIMIT' | 'SL' | 'SL-M' }, candle);
      if (r.becomes !== null) o.type = r.becomes;
      price = r.price;
      slips = r.slips;
    }
    if (price === null) return;
    let quantity = o.remaining;
    if (participation !== null) {
      const room = budget[o.s]!;
      if (room <= 0) return;
      if (quantity > room) quantity = room;
      budget[o.s] = room - quantity;
    }
    fill(o, quantity, slips ? slippedPrice(price, o.side, slip) : price, candle.ts);
  }

  function fillWaiting(s: number): void {
    const list = book[s]!;
    let kept = 0;
    for (let r = 0; r < list.length; r++) {
      const o = list[r]!;
      tryFill(o);
      if (o.remaining > 0) list[kept++] = o;
    }
    list.length = kept;
  }

  function riskState(ts: number): RiskState {
    const openOrders: RiskState['openOrders'][number][] = [];
    for (const list of book)
      for (const o of list) openOrders.push({ symbol: symbols[o.s]!, product, side: o.side, remainingQuantity: o.remaining });
    const held: RiskState['positions'][number][] = [];
    for (let s = 0; s < S; s++) if (net[s] !== 0) held.push({ symbol: symbols[s]!, product, netQuantity: net[s]! });
    while (recentOrders.length > 0 && recentOrders[0]! <= ts - MINUTE_MS) recentOrders.shift();
    const pnl = acc[CASH]! + acc[HOLDINGS]! + acc[FEES]! - capital - acc[DAY_START_PNL]!;
    return { openOrders, positions: held, dayPnl: valueToPaise(BigInt(pnl)), recentOrderTimes: recentOrders, now: ts };
  }

  function refuse(ts: number, symbol: string, rule: string, reason: string): void {
    refusals.push({ ts, symbol, rule, reason });
  }

  function place(intent: BacktestOrderIntent, ts: number): void {
    const s = intent.symbol === symbols[cur] ? cur : (indexOf.get(intent.symbol) ?? -1);
    if (s < 0) return refuse(ts, intent.symbol, 'UNKNOWN_SYMBOL', `${intent.symbol} is not among the run's symbols`);
    const type: BacktestOrderType = intent.type ?? 'MARKET';
    const price = type === 'LIMIT' || type === 'SL' ? (intent.price ?? null) : null;
    const triggerPrice = type === 'SL' || type === 'SL-M' ? (intent.triggerPrice ?? null) : null;
    const quantity = intent.quantity;
    const badPrice = (p: number | null) => p === null || !Number.isSafeInteger(p) || p <= 0;
    if (
      !Number.isSafeInteger(quantity) ||
      quantity <= 0 ||
      (intent.side !== 'BUY' && intent.side !== 'SELL') ||
      !['MARKET', 'LIMIT', 'SL', 'SL-M'].includes(type) ||
      ((type === 'LIMIT' || type === 'SL') && badPrice(price)) ||
      ((type === 'SL' || type === 'SL-M') && badPrice(triggerPrice))
    )
      return refuse(ts, intent.symbol, 'INVALID_ORDER', `${intent.side} ${quantity} ${type}: not a valid order`);
    if (limits !== null) {
      const ltp = lastClose[s]! > 0 ? lastClose[s]! : (price ?? triggerPrice);
      if (ltp === null) return refuse(ts, intent.symbol, 'NO_PRICE', `${intent.symbol} has no bar yet to price the order`);
      const d = checkPreTradeRisk(
        { symbol: intent.symbol, side: intent.side, type, product, quantity, price, triggerPrice },
        limits,
        riskState(ts),
        NO_SWITCHES,
        { ltp, lotSize: lotSizes[intent.symbol] ?? 1 },
      );
      if (!d.ok) return refuse(ts, intent.symbol, d.rule, d.message);
      recentOrders.push(ts);
    }
    const sign = intent.side === 'BUY' ? 1 : -1;
    const o: WorkingOrder = {
      seq: seq++,
      s,
      side: intent.side,
      sign,
      type,
      placedType: type,
      quantity,
      remaining: quantity,
      price,
      triggerPrice,
      ts,
      turnover: 0n,
    };
    pending[s] = pending[s]! + sign * quantity;
    // At 'close' a market order decided on this bar fills at its close, within what is left of the bar's volume cap.
    if (type === 'MARKET' && atClose && s === cur) tryFill(o);
    if (o.remaining > 0) book[s]!.push(o);
  }

  // The k-way merge: a binary heap of series indices keyed by (next bar's ts, series index).
  const ptr = new Int32Array(S);
  const heap = new Int32Array(S);
  let heapSize = 0;
  const tsCols = series.map((x) => x.ts);
  const less = (a: number, b: number): boolean => {
    const ta = tsCols[a]![ptr[a]!]!;
    const tb = tsCols[b]![ptr[b]!]!;
    return ta < tb || (ta === tb && a < b);
  };
  const siftDown = (at: number): void => {
    for (;;) {
      const l = 2 * at + 1;
      if (l >= heapSize) return;
      const r = l + 1;
      const c = r < heapSize && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, heap[at]!)) return;
      const t = heap[c]!;
      heap[c] = heap[at]!;
      heap[at] = t;
      at = c;
    }
  };
  for (let s = 0; s < S; s++) if (lengths[s]! > 0) heap[heapSize++] = s;
  for (let at = (heapSize >> 1) - 1; at >= 0; at--) siftDown(at);

  let done = 0;
  let curTs = Number.NaN;
  let countdown = every;
  let cancelled = false;
  let symbol = '';
  // The current symbol's columns, in locals.
  let tsCol: Float64Array = new Float64Array(0);
  let openCol = tsCol;
  let highCol = tsCol;
  let lowCol = tsCol;
  let closeCol = tsCol;
  let volumeCol = tsCol;
  while (done < total) {
    const s = heap[0]!;
    const i = ptr[s]!;
    if (S > 1) {
      ptr[s] = i + 1;
      if (i + 1 < lengths[s]!) siftDown(0);
      else {
        heap[0] = heap[--heapSize]!;
        siftDown(0);
      }
    }
    if (s !== cur) {
      cur = s;
      const col = series[s]!;
      tsCol = col.ts;
      openCol = col.open;
      highCol = col.high;
      lowCol = col.low;
      closeCol = col.close;
      volumeCol = col.volume;
      symbol = symbols[s]!;
    }
    const ts = tsCol[i]!;
    if (ts !== curTs) {
      if (done > 0) {
        if (ownTs) eqTs[points] = curTs;
        eqValue[points++] = acc[CASH]! + acc[HOLDINGS]!;
      }
      curTs = ts;
      if (limits !== null) {
        const d = Math.floor((ts + IST_OFFSET_MS) / DAY_MS);
        if (d !== day) {
          day = d;
          acc[DAY_START_PNL] = acc[CASH]! + acc[HOLDINGS]! + acc[FEES]! - capital;
        }
      }
    }
    const close = closeCol[i]!;
    candle.ts = ts;
    candle.open = openCol[i]!;
    candle.high = highCol[i]!;
    candle.low = lowCol[i]!;
    candle.close = close;
    candle.volume = volumeCol[i]!;
    if (participation !== null) budget[s] = participationCap(participation, candle.volume);
    if (book[s]!.length !== 0) fillWaiting(s);
    acc[HOLDINGS] = acc[HOLDINGS]! + net[s]! * (close - lastClose[s]!);
    lastClose[s] = close;
    const intent = strategy.onBar(symbol, candle, net[s]! + pending[s]!);
    if (intent !== null) place(intent, ts);
    if (signals !== null) {
      const list = signals[s];
      if (list !== undefined) {
        let p = sigPtr[s]!;
        if (Array.isArray(list)) {
          while (p < list.length && list[p]!.ts <= ts) {
            const fromSignal = strategy.onSignal(list[p++]!, net[s]! + pending[s]!);
            if (fromSignal !== null) place(fromSignal, ts);
          }
        } else {
          const cols = list as SignalColumns;
          while (p < cols.ts.length && cols.ts[p]! <= ts) {
            const fromSignal = strategy.onSignal(new ColumnSignal(symbol, cols, p++), net[s]! + pending[s]!);
            if (fromSignal !== null) place(fromSignal, ts);
          }
        }
        sigPtr[s] = p;
      }
    }
    if (S === 1) ptr[0] = i + 1;
    done++;
    if (--countdown === 0) {
      countdown = every;
      if (done < total) {
        config.onProgress?.(done, total);
        if (config.shouldStop?.()) {
          cancelled = true;
          break;
        }
      }
    }
  }
  if (done > 0) {
    if (ownTs) eqTs[points] = curTs;
    eqValue[points++] = acc[CASH]! + acc[HOLDINGS]!;
  }
  if (!cancelled) config.onProgress?.(total, total);

  const unfilled: BacktestUnfilledOrder[] = book
    .flat()
    .sort((a, b) => a.seq - b.seq)
    .map((o) => ({
      symbol: symbols[o.s]!,
      side: o.side,
      type: o.placedType,
      ts: o.ts,
      quantity: o.quantity,
      remainingQuantity: o.remaining,
    }));
  return {
    status: cancelled ? 'cancelled' : 'completed',
    trades,
    refusals,
    equity: {
      ts: ownTs ? (points === total ? eqTs : eqTs.slice(0, points)) : S === 1 ? series[0]!.ts.subarray(0, points) : eqTs,
      value: points === total ? eqValue : eqValue.slice(0, points),
    },
    initialEquity: capital,
    positions: series.map((x, s) => ({
      symbol: x.symbol,
      netQuantity: net[s]!,
      realisedPnl: realizedPnl(positions[s]!),
      position: positions[s]!,
      mark: ptr[s]! > 0 || lastClose[s]! > 0 ? lastClose[s]! : null,
    })),
    unfilled,
    feesPaid,
    barsProcessed: done,
    barsTotal: total,
    fillModel: { at: fillModel.at, slippageBps: fillModel.slippageBps, maxParticipation: fillModel.maxParticipation },
  };
}

/**
 * A fill's new cash, exactly, when the fast check could not vouch for it; refuses (UNPROCESSABLE)
 * a run whose cash and positions pass 2^53 tick-units.
 */
function exactCash(cash: number, sign: 1 | -1, quantity: number, price: number, fees: Paise, gross: number, ts: number): number {
  const next: TradeValue = BigInt(cash) - BigInt(sign) * tradeValue(quantity, price) - paiseToValue(fees);
  if ((next < 0n ? -next : next) + BigInt(Math.round(gross)) > BOUND || gross > Number.MAX_SAFE_INTEGER)
    throw new DomainError(
      'UNPROCESSABLE',
      `The run's cash and positions would pass 2^53 tick-units (₹900 billion) at ${new Date(ts).toISOString()}: too large to replay exactly`,
    );
  return Number(next);
}

const VERDICT_OF: readonly (SignalVerdict | undefined)[] = (() => {
  const out: (SignalVerdict | undefined)[] = [];
  for (const [v, code] of Object.entries(SIGNAL_CODES)) out[code] = v as SignalVerdict;
  return out;
})();

/** The SignalInput of row `p` of a symbol's signal columns, made as it reaches its bar; its id only when asked. */
class ColumnSignal implements SignalInput {
  readonly ts: number;
  readonly signal: SignalVerdict;
  readonly score: number;

  constructor(
    readonly symbol: string,
    cols: SignalColumns,
    p: number,
  ) {
    this.ts = cols.ts[p]!;
    this.signal = VERDICT_OF[cols.verdict[p]!]!;
    this.score = cols.score[p]!;
  }

  get id(): string {
    return `${this.symbol}@${this.ts}`;
  }
}

/** Columns of equal length, ascending finite ts, known verdict codes, scores in [0, 1]. */
function checkColumns(symbol: string, c: SignalColumns): SignalColumns {
  if (!(c.ts instanceof Float64Array) || !(c.verdict instanceof Uint8Array) || !(c.score instanceof Float32Array))
    throw invalid(`Signal columns for ${symbol} must be ts Float64Array, verdict Uint8Array, score Float32Array`);
  const n = c.ts.length;
  if (c.verdict.length !== n || c.score.length !== n) throw invalid(`Signal columns for ${symbol} differ in length`);
  for (let p = 0; p < n; p += 1) {
    const ts = c.ts[p]!;
    if (!Number.isFinite(ts) || (p > 0 && ts < c.ts[p - 1]!)) throw invalid(`Signal columns for ${symbol} must have finite ts, ascending`);
    if (VERDICT_OF[c.verdict[p]!] === undefined) throw invalid(`Signal columns for ${symbol} have an unknown verdict code ${c.verdict[p]}`);
    const score = c.score[p]!;
    if (!(score >= 0 && score <= 1)) throw invalid(`Signal columns for ${symbol} have a score outside [0, 1]`);
  }
  return c;
}

/**
 * Signals per series: each list ascending by ts (a stable sort of a copy), columns checked
 * (they must come ascending); null without signals.
 */
function signalsBySeries(
  input: BacktestConfig['signals'],
  indexOf: ReadonlyMap<string, number>,
  S: number,
): (readonly SignalInput[] | SignalColumns | undefined)[] | null {
  if (input === undefined) return null;
  const entries: [string, readonly SignalInput[] | SignalColumns][] = input instanceof Map ? [...input] : Object.entries(input);
  const out: (readonly SignalInput[] | SignalColumns | undefined)[] = new Array<readonly SignalInput[] | SignalColumns | undefined>(S).fill(
    undefined,
  );
  for (const [symbol, list] of entries) {
    const s = indexOf.get(symbol);
    if (s === undefined) throw invalid(`Signals for ${symbol}, which has no bars in the run`);
    if (!Array.isArray(list)) {
      out[s] = checkColumns(symbol, list as SignalColumns);
      continue;
    }
    for (const x of list) {
      if (x.symbol !== symbol || !Number.isFinite(x.ts))
        throw invalid(`A signal listed under ${symbol} is for ${x.symbol} or has no valid ts`);
    }
    out[s] = [...list].sort((a, b) => a.ts - b.ts);
  }
  return out;
}

/** Throws VALIDATION_FAILED on input that cannot be replayed exactly; returns each series' highest high. */
function validate(config: BacktestConfig): number[] {
  const { strategy, series, fillModel } = config;
  if (typeof strategy?.onBar !== 'function' || typeof strategy.onSignal !== 'function') throw invalid('A backtest needs a strategy');
  if (!Array.isArray(series)) throw invalid('series must be a list of bar series');
  const seen = new Set<string>();
  const maxHigh = series.map((x) => validateSeries(x, seen));
  if (fillModel?.at !== 'next_open' && fillModel?.at !== 'close') throw invalid('fillModel.at must be next_open or close');
  try {
    slippageUnits(fillModel.slippageBps);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  const p = fillModel.maxParticipation;
  if (p !== null && !(typeof p === 'number' && p > 0 && p <= 1)) throw invalid('fillModel.maxParticipation must be null or in (0, 1]');
  if (!PRODUCTS.includes(config.product)) throw invalid(`Unknown product ${String(config.product)}`);
  if (typeof config.initialCapital !== 'bigint' || config.initialCapital < 0n || paiseToValue(config.initialCapital) > BOUND)
    throw invalid('initialCapital must be a non-negative amount of paise below ₹900 billion');
  const every = config.progressEvery;
  if (every !== undefined && !(Number.isSafeInteger(every) && every > 0)) throw invalid('progressEvery must be a positive integer');
  for (const [symbol, lot] of Object.entries(config.lotSizes ?? {}))
    if (!Number.isSafeInteger(lot) || lot < 1) throw invalid(`Lot size of ${symbol} must be a positive integer`);
  return maxHigh;
}

/** Checks one series; returns its highest high (0 without bars). */
function validateSeries(x: BarSeries, seen: Set<string>): number {
  if (typeof x?.symbol !== 'string' || x.symbol === '') throw invalid('Every bar series needs a symbol');
  if (seen.has(x.symbol)) throw invalid(`${x.symbol} is given twice`);
  seen.add(x.symbol);
  const { ts, open, high, low, close, volume } = x;
  for (const c of [ts, open, high, low, close, volume])
    if (!(c instanceof Float64Array)) throw invalid(`${x.symbol}: every column must be a Float64Array`);
  const n = ts.length;
  if (open.length !== n || high.length !== n || low.length !== n || close.length !== n || volume.length !== n)
    throw invalid(`${x.symbol}: columns of different lengths`);
  // One tight pass (plain comparisons, NaN failing each); the first bar it stops at is explained by barProblem.
  const MAX = Number.MAX_SAFE_INTEGER;
  let prev = Number.NEGATIVE_INFINITY;
  let maxHigh = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    if (
      t > prev &&
      t <= MAX &&
      t >= -MAX &&
      l > 0 &&
      l <= o &&
      l <= c &&
      h >= o &&
      h >= c &&
      h <= MAX &&
      v >= 0 &&
      v <= MAX &&
      Math.floor(t) === t &&
      Math.floor(o) === o &&
      Math.floor(h) === h &&
      Math.floor(l) === l &&
      Math.floor(c) === c &&
      Math.floor(v) === v
    ) {
      prev = t;
      if (h > maxHigh) maxHigh = h;
      continue;
    }
    throw invalid(`${x.symbol}: bar ${i} ${barProblem(t, prev, o, h, l, c)}`);
  }
  return maxHigh;
}

function barProblem(t: number, prev: number, o: number, h: number, l: number, c: number): string {
  if (!Number.isSafeInteger(t) || t <= prev) return "has a ts that is not an integer after the previous bar's";
  if (!(Number.isSafeInteger(o) && Number.isSafeInteger(h) && Number.isSafeInteger(l) && Number.isSafeInteger(c) && l > 0))
    return 'has a price that is not a positive integer number of ticks';
  if (l > o || l > c || h < o || h < c) return 'has a low above or a high below its open or close';
  return 'has a volume that is not a non-negative integer';
}
