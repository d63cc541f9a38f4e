import type { Redis } from 'ioredis';
import type { PriceTicks } from '@tradeloop/domain';

/**
 * The market steering test seam (MARKET_STEERING; docs/api.md "Market steering"): the API stores
 * a symbol's pinned price in a Redis hash and announces the symbol on a channel; the worker's
 * simulated feed reads the hash when it starts and on every announcement. Nothing else reads it.
 */
export const steeringKeys = (prefix: string) => ({
  /** Hash symbol → price in ticks. */
  prices: `${prefix}:md:steer`,
  /** Pub/sub: a symbol whose steering changed. */
  changes: `${prefix}:md:steer:changes`,
});

/** Pins `symbol` at `price` (null: releases it). */
export async function steerMarket(redis: Redis, prefix: string, symbol: string, price: PriceTicks | null): Promise<void> {
  const keys = steeringKeys(prefix);
  if (price === null) await redis.hdel(keys.prices, symbol);
  else await redis.hset(keys.prices, symbol, String(price));
  await redis.publish(keys.changes, symbol);
}

/** Something steerable: the simulated feed source. */
export interface Steerable {
  steer(symbol: string, price: PriceTicks | null): boolean;
}

/**
 * Feeds the stored steering into `target`: everything stored now, then each announced change.
 * `sub` is a subscriber connection owned by the caller (closed by it).
 */
export async function followSteering(redis: Redis, sub: Redis, prefix: string, target: Steerable): Promise<void> {
  const keys = steeringKeys(prefix);
  const apply = async (symbol: string) => {
    const raw = await redis.hget(keys.prices, symbol);
    const price = raw === null ? null : Number(raw);
    target.steer(symbol, price !== null && Number.isSafeInteger(price) && price > 0 ? price : null);
  };
  sub.on('message', (channel: string, symbol: string) => {
    if (channel === keys.changes) void apply(symbol).catch(() => undefined);
  });
  await sub.subscribe(keys.changes);
  for (const [symbol, raw] of Object.entries(await redis.hgetall(keys.prices))) {
    const price = Number(raw);
    if (Number.isSafeInteger(price) && price > 0) target.steer(symbol, price);
  }
}
