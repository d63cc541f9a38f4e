import { priceTicks } from './price';

/** (ltp − average) × net in paise, rounded half away from zero; null when either price is unknown. */
export function unrealizedPaise(ltp: string | null | undefined, average: string | null | undefined, net: number): bigint | null {
  const l = priceTicks(ltp);
  const a = priceTicks(average);
  if (l === null || a === null) return null;
  const v = BigInt(l - a) * BigInt(net); // ticks·units; 100 per paisa
  const abs = v < 0n ? -v : v;
  const paise = (abs + 50n) / 100n;
  return v < 0n ? -paise : paise;
}
