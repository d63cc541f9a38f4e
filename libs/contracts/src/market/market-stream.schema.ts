import { z } from 'zod';
import { trimmedText } from '../common';
import { TIMEFRAMES } from '@tradeloop/domain';
import { SeqSchema } from '../realtime/realtime.events';
import { PriceSchema } from './instruments.schema';
import { PriceChangeSchema, QUOTES_MAX_SYMBOLS } from './quotes.schema';

/** Client → server market-data subscription messages (docs/api.md "Realtime"). */
export const MARKET_SUBSCRIBE = 'subscribe';
export const MARKET_UNSUBSCRIBE = 'unsubscribe';
export const MARKET_CHANNELS = ['ticks', 'candles', 'depth'] as const;
export type MarketChannel = (typeof MARKET_CHANNELS)[number];

/** Subscriptions one socket may hold across channels (a browser tab with a few watchlists). */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 500;
/** Per client and symbol stream, updates are coalesced to at most this many per second. */
export const MAX_UPDATES_PER_SECOND = 10;

export const SubscriptionRequestSchema = z
  .strictObject({
    channel: z.enum(MARKET_CHANNELS),
    symbols: z.array(trimmedText(40)).min(1).max(QUOTES_MAX_SYMBOLS),
    timeframe: z.enum(TIMEFRAMES).optional(),
  })
  .refine((r) => r.channel !== 'candles' || r.timeframe !== undefined, { message: 'candles need a timeframe', path: ['timeframe'] })
  .refine((r) => r.channel === 'candles' || r.timeframe === undefined, { message: 'only candles take a timeframe', path: ['timeframe'] });
export type SubscriptionRequest = z.infer<typeof SubscriptionRequestSchema>;

/**
 * The ack of subscribe / unsubscribe: `symbols` are the ones now (un)subscribed; `refused` names
 * the others and why (unknown symbol, too many subscriptions). `ok` is false only when the
 * request itself was malformed (`error` says how), in which case nothing changed.
 */
export interface SubscriptionAck {
  ok: boolean;
  symbols: string[];
  refused: { symbol: string; reason: string }[];
  error?: string;
}

/**
 * `tick`: the latest trade price of one symbol. `seq` increases by one per delivered event of
 * the (socket, symbol) stream; a jump of more than one means updates were lost (a feed or Redis
 * outage) — re-fetch quotes. Coalescing never causes a jump: a coalesced update is superseded,
 * not lost.
 */
export const TickEventSchema = z.object({
  symbol: z.string(),
  ltp: PriceSchema,
  bid: PriceSchema,
  ask: PriceSchema,
  volume: z.number().int().nonnegative(),
  change: PriceChangeSchema,
  ts: z.iso.datetime(),
  seq: SeqSchema,
});
export type TickEvent = z.infer<typeof TickEventSchema>;

/** `candle`: the current (or just-closed) candle of a symbol and timeframe; same `seq` rules. */
export const CandleEventSchema = z.object({
  symbol: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  ts: z.iso.datetime(),
  open: PriceSchema,
  high: PriceSchema,
  low: PriceSchema,
  close: PriceSchema,
  volume: z.number().int().nonnegative(),
  seq: SeqSchema,
});
export type CandleEvent = z.infer<typeof CandleEventSchema>;

/** Per-symbol rooms: a socket subscribed to a stream is in its room. */
export const tickRoom = (symbol: string): string => `md:ticks:${symbol}`;
export const candleRoom = (symbol: string, timeframe: string): string => `md:candles:${timeframe}:${symbol}`;
export const depthRoom = (symbol: string): string => `md:depth:${symbol}`;
