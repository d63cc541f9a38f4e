import { DomainError, type ErrorCode } from '../errors';
import { formatMoney, type Paise } from '../money';
import { formatPrice, type PriceTicks } from '../market';
import type { Quantity } from '../units';
import { sideSign, type OrderSide, type OrderType, type Product } from './order';
import { percent, RATE_SCALE, tradeValue, valueToPaise, type Rate } from './units';

/** A user's limits (docs/api.md `GET /api/v1/risk/limits`), in paise and counts; null means no limit. */
export interface RiskLimits {
  readonly maxOrderValue: Paise | null;
  readonly maxPositionValue: Paise | null;
  readonly maxOpenOrders: number | null;
  readonly maxDailyLoss: Paise | null;
  readonly maxOrdersPerMinute: number | null;
  /** The second automatic trip of docs/domain.md, "Risk" (see decideAutomaticTrip); a field of the risk limits in docs/api.md, "Risk". */
  readonly maxDrawdown?: Paise | null;
}

export interface KillSwitchState {
  readonly engaged: boolean;
  readonly reason?: string | null;
}

export interface KillSwitches {
  readonly global: KillSwitchState;
  readonly user: KillSwitchState;
  /** The placing strategy's switch; absent for an order a person places. */
  readonly strategy?: KillSwitchState | null;
}

/** The order being checked (validated terms plus where it goes). */
export interface RiskOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly product: Product;
  readonly quantity: Quantity;
  readonly price: PriceTicks | null;
  readonly triggerPrice: PriceTicks | null;
  readonly strategyId?: string | null;
}

/** What the user has right now. */
export interface RiskState {
  /** Non-terminal orders with their unfilled quantity. */
  readonly openOrders: readonly {
    readonly symbol: string;
    readonly product: Product;
    readonly side: OrderSide;
    readonly remainingQuantity: Quantity;
  }[];
  readonly positions: readonly { readonly symbol: string; readonly product: Product; readonly netQuantity: Quantity }[];
  /** Realized + unrealized P&L today, paise (negative is a loss). */
  readonly dayPnl: Paise;
  /** When the user's recent orders were placed (epoch ms); older than a minute is ignored. */
  readonly recentOrderTimes: readonly number[];
  readonly now: number;
}

export interface RiskMarket {
  readonly ltp: PriceTicks;
  readonly lotSize: Quantity;
}

export interface RiskConfig {
  /** Price band (docs/domain.md, "Risk"): a LIMIT more than this far from the LTP is refused. */
  readonly priceBand: Rate;
}

/**
 * The spec leaves X open; 10 % is the widest of NSE's usual dynamic price bands on stocks,
 * enough to catch an extra digit without blocking ordinary limit orders.
 */
export const DEFAULT_RISK_CONFIG: RiskConfig = Object.freeze({ priceBand: percent('10') });

/** The pre-trade rules (docs/domain.md, "Risk"), in the order they run; a rejection names the first that fails. */
export const RISK_RULES = [
  'KILL_SWITCH_GLOBAL',
  'KILL_SWITCH_USER',
  'KILL_SWITCH_STRATEGY',
  'MAX_ORDER_VALUE',
  'MAX_OPEN_ORDERS',
  'MAX_POSITION_VALUE',
  'MAX_ORDERS_PER_MINUTE',
  'MAX_DAILY_LOSS',
  'PRICE_BAND',
  'LOT_SIZE',
] as const;
export type RiskRule = (typeof RISK_RULES)[number];

/**
 * Rules an exposure-reducing order skips: they guard against new exposure or further loss,
 * which such an order cannot add, and square-off must always work (docs/domain.md, "Risk"). Rate, price
 * band and lot size still apply: they guard against runaway loops and typing mistakes.
 */
export const RULES_WAIVED_FOR_REDUCING: readonly RiskRule[] = [
  'KILL_SWITCH_GLOBAL',
  'KILL_SWITCH_USER',
  'KILL_SWITCH_STRATEGY',
  'MAX_ORDER_VALUE',
  'MAX_OPEN_ORDERS',
  'MAX_POSITION_VALUE',
  'MAX_DAILY_LOSS',
];

export type RiskDecision =
  | { readonly ok: true; readonly reducing: boolean }
  | {
      readonly ok: false;
      readonly rule: RiskRule;
      /** docs/api.md "Risk": 423 KILL_SWITCH_ENGAGED for the switches, 422 RISK_REJECTED for the rest. */
      readonly code: Extract<ErrorCode, 'RISK_REJECTED' | 'KILL_SWITCH_ENGAGED'>;
      readonly message: string;
      /** JSON-safe details for the risk event (amounts as decimal strings). */
      readonly details: Readonly<Record<string, string | number>>;
      readonly retryAfterSeconds?: number;
    };

const WINDOW_MS = 60_000;

/**
 * Whether an order only reduces an existing position in its (symbol, product): it is on the
 * other side of the position, and together with the open orders already working in the same
 * direction it does not exceed the position. Counting those orders keeps a burst of "reducing"
 * orders from adding up to a flip into new exposure.
 */
export function isExposureReducing(
  order: Pick<RiskOrder, 'symbol' | 'product' | 'side' | 'quantity'>,
  state: Pick<RiskState, 'openOrders' | 'positions'>,
): boolean {
  const net: Quantity = state.positions
    .filter((p) => p.symbol === order.symbol && p.product === order.product)
    .reduce((a, p) => a + p.netQuantity, 0);
  if (net === 0 || Math.sign(net) === sideSign(order.side)) return false;
  const working: Quantity = state.openOrders
    .filter((o) => o.symbol === order.symbol && o.product === order.product && o.side === order.side)
    .reduce((a, o) => a + o.remainingQuantity, 0);
  return order.quantity + working <= Math.abs(net);
}

/**
 * Runs the pre-trade rules in their order (docs/domain.md, "Risk") and returns the first failure, or ok.
 * Order value and position value use the order's limit price, else its trigger (SL-M), else
 * the LTP. Position value is per symbol across products, counting open orders on the same side
 * as if filled: the worst case this order can lead to.
 */
export function checkPreTradeRisk(
  order: RiskOrder,
  limits: RiskLimits,
  state: RiskState,
  switches: KillSwitches,
  market: RiskMarket,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): RiskDecision {
  const reducing = isExposureReducing(order, state);
  const refPrice: PriceTicks = order.price ?? order.triggerPrice ?? market.ltp;
  const waived = (rule: RiskRule) => reducing && RULES_WAIVED_FOR_REDUCING.includes(rule);
  const reject = (
    rule: RiskRule,
    message: string,
    details: Record<string, string | number> = {},
    extra: { retryAfterSeconds?: number } = {},
  ): RiskDecision => ({
    ok: false,
    rule,
    code: rule.startsWith('KILL_SWITCH') ? 'KILL_SWITCH_ENGAGED' : 'RISK_REJECTED',
    message,
    details: { rule, ...details },
    ...extra,
  });

  const switchChecks: [RiskRule, KillSwitchState | null | undefined, string][] = [
    ['KILL_SWITCH_GLOBAL', switches.global, 'Trading is halted for everyone'],
    ['KILL_SWITCH_USER', switches.user, 'Your kill switch is engaged'],
    ['KILL_SWITCH_STRATEGY', order.strategyId ? switches.strategy : null, 'This strategy’s kill switch is engaged'],
  ];
  for (const [rule, sw, text] of switchChecks) {
    if (sw?.engaged && !waived(rule)) {
      return reject(
        rule,
        `${text}${sw.reason ? `: ${sw.reason}` : ''}; only orders that reduce a position are accepted`,
        sw.reason ? { reason: sw.reason } : {},
      );
    }
  }

  if (limits.maxOrderValue !== null && !waived('MAX_ORDER_VALUE')) {
    const value = valueToPaise(tradeValue(order.quantity, refPrice));
    if (value > limits.maxOrderValue) {
      return reject('MAX_ORDER_VALUE', `Order value ₹${formatMoney(value)} exceeds the limit of ₹${formatMoney(limits.maxOrderValue)}`, {
        value: formatMoney(value),
        limit: formatMoney(limits.maxOrderValue),
      });
    }
  }

  if (limits.maxOpenOrders !== null && !waived('MAX_OPEN_ORDERS') && state.openOrders.length + 1 > limits.maxOpenOrders) {
    return reject('MAX_OPEN_ORDERS', `You already have ${state.openOrders.length} open orders; the limit is ${limits.maxOpenOrders}`, {
      open: state.openOrders.length,
      limit: limits.maxOpenOrders,
    });
  }

  if (limits.maxPositionValue !== null && !waived('MAX_POSITION_VALUE')) {
    const sign = sideSign(order.side);
    const net: Quantity = state.positions.filter((p) => p.symbol === order.symbol).reduce((a, p) => a + p.netQuantity, 0);
    const working: Quantity = state.openOrders
      .filter((o) => o.symbol === order.symbol && o.side === order.side)
      .reduce((a, o) => a + o.remainingQuantity, 0);
    const projected: Quantity = net + sign * (working + order.quantity);
    const value = valueToPaise(tradeValue(Math.abs(projected), refPrice));
    if (value > limits.maxPositionValue) {
      return reject(
        'MAX_POSITION_VALUE',
        `Position in ${order.symbol} would be worth ₹${formatMoney(value)}, above the limit of ₹${formatMoney(limits.maxPositionValue)}`,
        {
          value: formatMoney(value),
          limit: formatMoney(limits.maxPositionValue),
          projectedQuantity: projected,
        },
      );
    }
  }

  if (limits.maxOrdersPerMinute !== null) {
    const recent = state.recentOrderTimes.filter((t) => t > state.now - WINDOW_MS && t <= state.now).sort((a, b) => a - b);
    if (recent.length >= limits.maxOrdersPerMinute) {
      // The window frees a slot when the oldest order that would still count leaves it.
      const oldest = recent[recent.length - limits.maxOrdersPerMinute] ?? state.now;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + WINDOW_MS - state.now) / 1000));
      return reject(
        'MAX_ORDERS_PER_MINUTE',
        `${recent.length} orders in the last minute; the limit is ${limits.maxOrdersPerMinute}`,
        { recent: recent.length, limit: limits.maxOrdersPerMinute },
        { retryAfterSeconds },
      );
    }
  }

  if (limits.maxDailyLoss !== null && !waived('MAX_DAILY_LOSS') && dailyLossBreached(state.dayPnl, limits.maxDailyLoss)) {
    return reject(
      'MAX_DAILY_LOSS',
      `Today's loss of ₹${formatMoney(-state.dayPnl)} has reached the limit of ₹${formatMoney(limits.maxDailyLoss)}`,
      { dayPnl: formatMoney(state.dayPnl), limit: formatMoney(limits.maxDailyLoss) },
    );
  }

  if (order.type === 'LIMIT' && order.price !== null && outsideBand(order.price, market.ltp, config.priceBand)) {
    return reject(
      'PRICE_BAND',
      `Limit ${formatPrice(order.price)} is more than ${formatRate(config.priceBand)} % from the last traded price ${formatPrice(market.ltp)}`,
      {
        price: formatPrice(order.price),
        ltp: formatPrice(market.ltp),
      },
    );
  }

  const lots = lotSizeRejection(order.quantity, market.lotSize);
  if (lots) return lots;

  return { ok: true, reducing };
}

/**
 * The last pre-trade rule on its own: a quantity must be a whole number of lots. A change to a
 * working order's quantity (planModification) is held to it as well.
 */
export function lotSizeRejection(quantity: Quantity, lotSize: Quantity): Extract<RiskDecision, { ok: false }> | null {
  if (Number.isSafeInteger(quantity) && quantity > 0 && quantity % lotSize === 0) return null;
  return {
    ok: false,
    rule: 'LOT_SIZE',
    code: 'RISK_REJECTED',
    message: `Quantity ${quantity} is not a multiple of the lot size ${lotSize}`,
    details: { rule: 'LOT_SIZE', quantity, lotSize },
  };
}

/** |price − ltp| > band × ltp, exactly. A price exactly on the band passes. */
const outsideBand = (price: PriceTicks, ltp: PriceTicks, band: Rate): boolean =>
  BigInt(Math.abs(price - ltp)) * RATE_SCALE > band * BigInt(ltp);

const formatRate = (r: Rate): string => {
  const whole = r / 1_000_000n;
  const frac = (r % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
};

/** A loss that has reached the limit is a breach (no loss at all never is, even with a limit of 0). */
const dailyLossBreached = (dayPnl: Paise, maxDailyLoss: Paise): boolean => dayPnl < 0n && -dayPnl >= maxDailyLoss;

/** The error for a failed decision, with the rule in the detail (docs/api.md "Risk") and the context. */
export function riskError(decision: Extract<RiskDecision, { ok: false }>): DomainError {
  return new DomainError(decision.code, `${decision.rule}: ${decision.message}`, {
    context: { ...decision.details },
    ...(decision.retryAfterSeconds !== undefined ? { retryAfterSeconds: decision.retryAfterSeconds } : {}),
  });
}

/** checkPreTradeRisk that throws RISK_REJECTED / KILL_SWITCH_ENGAGED instead of returning. */
export function assertPreTradeRisk(...args: Parameters<typeof checkPreTradeRisk>): { reducing: boolean } {
  const d = checkPreTradeRisk(...args);
  if (!d.ok) throw riskError(d);
  return { reducing: d.reducing };
}

/** Today's peak P&L after seeing `dayPnl`: it only rises, and a day starts at zero. */
export function peakOf(peakSoFar: Paise, dayPnl: Paise): Paise {
  const p = peakSoFar > dayPnl ? peakSoFar : dayPnl;
  return p > 0n ? p : 0n;
}

export type TripDecision =
  | { readonly trip: false }
  | { readonly trip: true; readonly rule: 'MAX_DAILY_LOSS' | 'MAX_DRAWDOWN'; readonly reason: string };

/**
 * Automatic trips (docs/domain.md, "Risk"): a breach of max daily loss, or of max drawdown — how much of the
 * day's best P&L has been given back (peak of today's realized + unrealized P&L, at least zero,
 * minus today's P&L now; deposits and withdrawals are not P&L, so they never trip it) — engages
 * the user's kill switch. An engaged switch is not tripped again, so a breach produces one risk
 * event rather than one per tick.
 */
export function decideAutomaticTrip(input: {
  readonly dayPnl: Paise;
  readonly limits: Pick<RiskLimits, 'maxDailyLoss' | 'maxDrawdown'>;
  readonly userSwitch: KillSwitchState;
  /** The highest day P&L seen today (the drawdown rule needs it; without it the rule is not checked). */
  readonly peakDayPnl?: Paise;
}): TripDecision {
  if (input.userSwitch.engaged) return { trip: false };
  const { maxDailyLoss, maxDrawdown } = input.limits;
  if (maxDailyLoss !== null && dailyLossBreached(input.dayPnl, maxDailyLoss)) {
    return {
      trip: true,
      rule: 'MAX_DAILY_LOSS',
      reason: `Daily loss ₹${formatMoney(-input.dayPnl)} reached the limit of ₹${formatMoney(maxDailyLoss)}`,
    };
  }
  if (maxDrawdown != null && input.peakDayPnl !== undefined) {
    const drawdown: Paise = peakOf(input.peakDayPnl, input.dayPnl) - input.dayPnl;
    if (drawdown >= maxDrawdown) {
      return {
        trip: true,
        rule: 'MAX_DRAWDOWN',
        reason: `Drawdown ₹${formatMoney(drawdown)} from today's best P&L reached the limit of ₹${formatMoney(maxDrawdown)}`,
      };
    }
  }
  return { trip: false };
}
