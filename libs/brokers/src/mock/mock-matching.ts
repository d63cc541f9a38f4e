import { hash32, SeededRandom, type OrderSide, type OrderType, type PriceTicks } from '@tradeloop/domain';

/** What the host feeds the mock from the live market feed (a subset of the simulator's SimTick). */
export interface MockTick {
  readonly symbol: string;
  /** Epoch ms. */
  readonly ts: number;
  readonly ltp: PriceTicks;
  readonly bid: PriceTicks;
  readonly ask: PriceTicks;
}

/** Slippage in ticks: ceil(price × bps / 10 000), so any non-zero setting costs at least a tick's fraction rounded up. */
const slippage = (price: PriceTicks, bps: number): number => (bps > 0 ? Math.ceil((price * bps) / 10_000) : 0);

/**
 * Where a marketable order fills: a buy at the ask plus slippage, a sell at the bid minus it,
 * rounded AWAY from the trader onto the tick grid (slippage never improves a price), and never
 * below one tick.
 */
export function marketFillPrice(
  side: OrderSide,
  quote: Pick<MockTick, 'bid' | 'ask'>,
  slippageBps: number,
  tickSize: PriceTicks,
): PriceTicks {
  if (side === 'BUY') {
    const raw = quote.ask + slippage(quote.ask, slippageBps);
    return Math.ceil(raw / tickSize) * tickSize;
  }
  const raw = quote.bid - slippage(quote.bid, slippageBps);
  return Math.max(tickSize, Math.floor(raw / tickSize) * tickSize);
}

/**
 * A limit order crosses when the far side of the book reaches its price (buy: ask ≤ limit;
 * sell: bid ≥ limit) and then fills at the market price, capped at the limit: at the limit or better.
 * Null while it does not cross.
 */
export function limitFillPrice(
  side: OrderSide,
  limit: PriceTicks,
  quote: Pick<MockTick, 'bid' | 'ask'>,
  slippageBps: number,
  tickSize: PriceTicks,
): PriceTicks | null {
  if (side === 'BUY') return quote.ask <= limit ? Math.min(limit, marketFillPrice(side, quote, slippageBps, tickSize)) : null;
  return quote.bid >= limit ? Math.max(limit, marketFillPrice(side, quote, slippageBps, tickSize)) : null;
}

/** Stops trigger on the last traded price, as exchanges do: a buy stop at or above its trigger, a sell stop at or below. */
export const stopTriggered = (side: OrderSide, trigger: PriceTicks, ltp: PriceTicks): boolean =>
  side === 'BUY' ? ltp >= trigger : ltp <= trigger;

/**
 * The fill price of a WORKING order (a stop already triggered): MARKET and SL-M at the market,
 * LIMIT and SL (a triggered SL is a limit order) at their limit or better; null when it does not cross.
 */
export function workingFillPrice(
  order: { readonly side: OrderSide; readonly type: OrderType; readonly price: PriceTicks | null },
  quote: Pick<MockTick, 'bid' | 'ask'>,
  slippageBps: number,
  tickSize: PriceTicks,
): PriceTicks | null {
  if (order.type === 'MARKET' || order.type === 'SL-M') return marketFillPrice(order.side, quote, slippageBps, tickSize);
  if (order.price === null) throw new RangeError(`a ${order.type} order needs a price`);
  return limitFillPrice(order.side, order.price, quote, slippageBps, tickSize);
}

/**
 * A uniform draw in [0, 1) fixed by the seed and a label (order id, purpose, index), with
 * pure-rand's xoroshiro128+ as the market simulator uses. Each decision draws from its own
 * label rather than from one shared stream, so it depends neither on how calls interleave nor
 * on the process: a restarted mock over the same store makes the same choices for an order.
 */
export function mockDraw(seed: number, ...label: readonly (string | number)[]): number {
  return new SeededRandom(hash32(`${seed}|${label.join('|')}`)).uniform();
}

/** How an order is to be filled: in one go, or in `slices` parts. */
export interface FillPlan {
  readonly partial: boolean;
  readonly slices: number;
}

export interface PartialFillConfig {
  /** Chance that an order fills in parts. */
  readonly probability: number;
  /** At most this many parts (≥ 2 for partial fills to happen). */
  readonly maxSlices: number;
}

/** The fill plan of one order, drawn once from the seed and its id. */
export function fillPlan(seed: number, brokerOrderId: string, config: PartialFillConfig | null | undefined): FillPlan {
  if (!config || config.maxSlices < 2 || config.probability <= 0) return { partial: false, slices: 1 };
  if (mockDraw(seed, brokerOrderId, 'partial') >= config.probability) return { partial: false, slices: 1 };
  return { partial: true, slices: 2 + Math.floor(mockDraw(seed, brokerOrderId, 'slices') * (config.maxSlices - 1)) };
}

/**
 * The size of the next fill: everything left, unless the plan has parts to go, in which case a
 * random whole number of lots that leaves at least one lot for each remaining part (when there
 * are enough lots). `u` is a uniform draw in [0, 1).
 */
export function sliceQuantity(remaining: number, lotSize: number, plan: FillPlan, fillsSoFar: number, u: number): number {
  const partsLeft = plan.slices - fillsSoFar;
  if (!plan.partial || partsLeft <= 1) return remaining;
  const lotsLeft = Math.floor(remaining / lotSize);
  if (lotsLeft <= 1) return remaining;
  const maxLots = Math.max(1, lotsLeft - (partsLeft - 1));
  const lots = 1 + Math.floor(u * maxLots);
  return Math.min(remaining, lots * lotSize);
}

/** Rejections the mock's RMS hands out at random, worded like Kite's `status_message`. */
export const MOCK_REJECTION_REASONS: readonly string[] = Object.freeze([
  'RMS:Margin Exceeds, Required margin is more than the available margin',
  'Order price is out of the circuit limit range for this instrument',
  'RMS:Blocked for trading under exchange surveillance measures (ASM/GSM)',
  'Order quantity exceeds the exchange freeze quantity for this instrument',
  'Exchange: trading in this instrument is temporarily suspended',
]);
