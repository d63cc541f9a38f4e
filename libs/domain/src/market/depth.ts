import type { PriceTicks } from './price';

/** Levels of the order book a feed reports on each side (Kite `full` mode, Upstox `full`, the simulator). */
export const DEPTH_LEVELS = 5;

/** One price level of the book: the price, the units resting there, and how many orders hold them. */
export interface DepthLevel {
  price: PriceTicks;
  quantity: number;
  orders: number;
}

/** The top of the book: bids best (highest) first, asks best (lowest) first, at most DEPTH_LEVELS each. */
export interface MarketDepth {
  bids: DepthLevel[];
  asks: DepthLevel[];
}
