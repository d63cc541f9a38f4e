import type { PriceTicks } from '@tradeloop/domain';
import { Root, type INamespace, type Type } from 'protobufjs/light';

/**
 * Upstox's market-data feed v3 (`/v3/feed/market-data-feed`, docs/brokers.md 2.4): binary WebSocket
 * frames, each one protobuf `FeedResponse` — a type (initial feed, live feed, market info), the
 * server time, and a map from instrument key to its feed in the subscribed mode (`ltpc`,
 * `full_d5`/`full` with five levels, `full_d30`, `option_greeks`).
 *
 * The schema below is our own description of that message, field by field (numbers and wire
 * types as Upstox publishes them for the v3 feed), built with protobufjs's reflection API: no
 * generated code and no .proto file at run time. Prices arrive as doubles in rupees and become
 * integer ticks here (nearest tick, by decimal-string arithmetic on the double's shortest form);
 * times are epoch ms; quantities integers.
 *
 * `UpstoxFeedDecoder` decodes frame by frame; a frame that is not a valid `FeedResponse` is
 * counted and skipped (never thrown), so one bad frame cannot stop a feed.
 */

const FEED_SCHEMA: Record<string, unknown> = {
  nested: {
    LTPC: {
      fields: {
        ltp: { type: 'double', id: 1 },
        ltt: { type: 'int64', id: 2 },
        ltq: { type: 'int64', id: 3 },
        cp: { type: 'double', id: 4 },
      },
    },
    Quote: {
      fields: {
        bidQ: { type: 'int64', id: 1 },
        bidP: { type: 'double', id: 2 },
        askQ: { type: 'int64', id: 3 },
        askP: { type: 'double', id: 4 },
      },
    },
    MarketLevel: { fields: { bidAskQuote: { rule: 'repeated', type: 'Quote', id: 1 } } },
    OptionGreeks: {
      fields: {
        delta: { type: 'double', id: 1 },
        theta: { type: 'double', id: 2 },
        gamma: { type: 'double', id: 3 },
        vega: { type: 'double', id: 4 },
        rho: { type: 'double', id: 5 },
      },
    },
    OHLC: {
      fields: {
        interval: { type: 'string', id: 1 },
        open: { type: 'double', id: 2 },
        high: { type: 'double', id: 3 },
        low: { type: 'double', id: 4 },
        close: { type: 'double', id: 5 },
        vol: { type: 'int64', id: 6 },
        ts: { type: 'int64', id: 7 },
      },
    },
    MarketOHLC: { fields: { ohlc: { rule: 'repeated', type: 'OHLC', id: 1 } } },
    MarketFullFeed: {
      fields: {
        ltpc: { type: 'LTPC', id: 1 },
        marketLevel: { type: 'MarketLevel', id: 2 },
        optionGreeks: { type: 'OptionGreeks', id: 3 },
        marketOHLC: { type: 'MarketOHLC', id: 4 },
        atp: { type: 'double', id: 5 },
        vtt: { type: 'int64', id: 6 },
        oi: { type: 'double', id: 7 },
        iv: { type: 'double', id: 8 },
        tbq: { type: 'double', id: 9 },
        tsq: { type: 'double', id: 10 },
      },
    },
    IndexFullFeed: { fields: { ltpc: { type: 'LTPC', id: 1 }, marketOHLC: { type: 'MarketOHLC', id: 2 } } },
    FullFeed: {
      oneofs: { FullFeedUnion: { oneof: ['marketFF', 'indexFF'] } },
      fields: { marketFF: { type: 'MarketFullFeed', id: 1 }, indexFF: { type: 'IndexFullFeed', id: 2 } },
    },
    FirstLevelWithGreeks: {
      fields: {
        ltpc: { type: 'LTPC', id: 1 },
        firstDepth: { type: 'Quote', id: 2 },
        optionGreeks: { type: 'OptionGreeks', id: 3 },
        vtt: { type: 'int64', id: 4 },
        oi: { type: 'double', id: 5 },
        iv: { type: 'double', id: 6 },
      },
    },
    RequestMode: { values: { ltpc: 0, full_d5: 1, option_greeks: 2, full_d30: 3 } },
    Feed: {
      oneofs: { FeedUnion: { oneof: ['ltpc', 'fullFeed', 'firstLevelWithGreeks'] } },
      fields: {
        ltpc: { type: 'LTPC', id: 1 },
        fullFeed: { type: 'FullFeed', id: 2 },
        firstLevelWithGreeks: { type: 'FirstLevelWithGreeks', id: 3 },
        requestMode: { type: 'RequestMode', id: 4 },
      },
    },
    Type: { values: { initial_feed: 0, live_feed: 1, market_info: 2 } },
    MarketStatus: {
      values: { PRE_OPEN_START: 0, PRE_OPEN_END: 1, NORMAL_OPEN: 2, NORMAL_CLOSE: 3, CLOSING_START: 4, CLOSING_END: 5 },
    },
    MarketInfo: { fields: { segmentStatus: { keyType: 'string', type: 'MarketStatus', id: 1 } } },
    FeedResponse: {
      fields: {
        type: { type: 'Type', id: 1 },
        feeds: { keyType: 'string', type: 'Feed', id: 2 },
        currentTs: { type: 'int64', id: 3 },
        marketInfo: { type: 'MarketInfo', id: 4 },
      },
    },
  },
};

let feedResponseType: Type | null = null;

/** The `FeedResponse` message type (built once). Exposed for tests and fakes that encode frames. */
export function upstoxFeedResponseType(): Type {
  feedResponseType ??= Root.fromJSON(FEED_SCHEMA as INamespace).lookupType('FeedResponse');
  return feedResponseType;
}

export type UpstoxFeedType = 'initial_feed' | 'live_feed' | 'market_info';
export type UpstoxFeedMode = 'ltpc' | 'full_d5' | 'option_greeks' | 'full_d30';

export interface UpstoxDepthLevel {
  readonly price: PriceTicks;
  readonly quantity: number;
}

/** One instrument's update from a frame, normalised. Absent parts are null (an `ltpc` frame has no depth). */
export interface UpstoxFeedTick {
  readonly instrumentKey: string;
  /** The subscription mode the feed was sent in; null for a mode this decoder does not know. */
  readonly mode: UpstoxFeedMode | null;
  readonly ltp: PriceTicks | null;
  /** Last trade time, epoch ms. */
  readonly lastTradeTime: number | null;
  readonly lastTradeQuantity: number | null;
  /** Previous close. */
  readonly closePrice: PriceTicks | null;
  /** Best first; empty without depth. Levels with no price are left out. */
  readonly bids: readonly UpstoxDepthLevel[];
  readonly asks: readonly UpstoxDepthLevel[];
  /** Volume traded today. */
  readonly volume: number | null;
  readonly averagePrice: PriceTicks | null;
  readonly openInterest: number | null;
  /** Daily OHLC (`1d` interval) when the frame carries it. */
  readonly dayOhlc: { readonly open: PriceTicks; readonly high: PriceTicks; readonly low: PriceTicks; readonly close: PriceTicks } | null;
}

export interface UpstoxFeedMessage {
  readonly type: UpstoxFeedType;
  /** Server time, epoch ms. */
  readonly currentTs: number | null;
  readonly ticks: readonly UpstoxFeedTick[];
  /** `market_info` frames: segment → status (`NORMAL_OPEN`…). */
  readonly segmentStatus: Readonly<Record<string, string>>;
}

export type UpstoxFeedDecodeResult =
  | { readonly ok: true; readonly message: UpstoxFeedMessage }
  | { readonly ok: false; readonly error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A number field; int64 fields may arrive as Long objects (protobufjs with `long` installed). Unset proto3 scalars are 0. */
const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v !== null && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function')
    return (v as { toNumber(): number }).toNumber();
  return null;
};
const FEED_TYPES: readonly (UpstoxFeedType | undefined)[] = ['initial_feed', 'live_feed', 'market_info'];
const MODES: readonly UpstoxFeedMode[] = ['ltpc', 'full_d5', 'option_greeks', 'full_d30'];
const MARKET_STATUSES: readonly string[] = [
  'PRE_OPEN_START',
  'PRE_OPEN_END',
  'NORMAL_OPEN',
  'NORMAL_CLOSE',
  'CLOSING_START',
  'CLOSING_END',
];

/** Prices above this (₹100 billion) are not prices: null. */
const MAX_FEED_RUPEES = 1e11;

/**
 * A rupee double from the feed in ticks (the nearest tick), null for zero, negative, not finite or
 * absurd. The price is already a double on the wire, so this is rounding, not arithmetic on money:
 * below ₹10^11 the product with 10^4 stays under 2^50, where the double's own representation error
 * and the multiplication's together stay under a quarter tick — every price with at most four
 * decimals lands on its exact tick. (Decimal-string conversion gives the same answers at a sixth
 * of the speed, and a full frame carries ~17 prices per instrument.)
 */
export function upstoxPriceToTicks(value: unknown): PriceTicks | null {
  if (typeof value !== 'number' || !(value > 0) || value >= MAX_FEED_RUPEES) return null;
  const ticks = Math.round(value * 10_000);
  return ticks > 0 ? ticks : null;
}

function depth(quotes: readonly unknown[]): { bids: UpstoxDepthLevel[]; asks: UpstoxDepthLevel[] } {
  const bids: UpstoxDepthLevel[] = [];
  const asks: UpstoxDepthLevel[] = [];
  for (const q of quotes) {
    if (!isObj(q)) continue;
    const bid = upstoxPriceToTicks(q.bidP);
    const ask = upstoxPriceToTicks(q.askP);
    if (bid !== null) bids.push({ price: bid, quantity: num(q.bidQ) ?? 0 });
    if (ask !== null) asks.push({ price: ask, quantity: num(q.askQ) ?? 0 });
  }
  return { bids, asks };
}

function dayOhlc(marketOHLC: unknown): UpstoxFeedTick['dayOhlc'] {
  const list = isObj(marketOHLC) && Array.isArray(marketOHLC.ohlc) ? marketOHLC.ohlc : [];
  for (const c of list) {
    if (!isObj(c) || c.interval !== '1d') continue;
    const [open, high, low, close] = [c.open, c.high, c.low, c.close].map(upstoxPriceToTicks);
    if (open && high && low && close) return { open, high, low, close };
  }
  return null;
}

function tickOf(instrumentKey: string, feed: Obj): UpstoxFeedTick {
  // proto3 leaves the default mode (0, `ltpc`) off the wire; the decoded message reads it as 0.
  const mode = MODES[typeof feed.requestMode === 'number' ? feed.requestMode : 0] ?? null;
  let ltpc: Obj | null = isObj(feed.ltpc) ? feed.ltpc : null;
  let book: { bids: UpstoxDepthLevel[]; asks: UpstoxDepthLevel[] } = { bids: [], asks: [] };
  let volume: number | null = null;
  let averagePrice: PriceTicks | null = null;
  let openInterest: number | null = null;
  let ohlc: UpstoxFeedTick['dayOhlc'] = null;
  const full = isObj(feed.fullFeed) ? feed.fullFeed : null;
  if (full && isObj(full.marketFF)) {
    const m = full.marketFF;
    ltpc = isObj(m.ltpc) ? m.ltpc : null;
    book = depth(isObj(m.marketLevel) && Array.isArray(m.marketLevel.bidAskQuote) ? m.marketLevel.bidAskQuote : []);
    volume = num(m.vtt);
    averagePrice = upstoxPriceToTicks(m.atp);
    openInterest = num(m.oi);
    ohlc = dayOhlc(m.marketOHLC);
  } else if (full && isObj(full.indexFF)) {
    ltpc = isObj(full.indexFF.ltpc) ? full.indexFF.ltpc : null;
    ohlc = dayOhlc(full.indexFF.marketOHLC);
  } else if (isObj(feed.firstLevelWithGreeks)) {
    const g = feed.firstLevelWithGreeks;
    ltpc = isObj(g.ltpc) ? g.ltpc : null;
    book = depth(isObj(g.firstDepth) ? [g.firstDepth] : []);
    volume = num(g.vtt);
    openInterest = num(g.oi);
  }
  return {
    instrumentKey,
    mode,
    ltp: ltpc ? upstoxPriceToTicks(ltpc.ltp) : null,
    lastTradeTime: ltpc ? num(ltpc.ltt) : null,
    lastTradeQuantity: ltpc ? num(ltpc.ltq) : null,
    closePrice: ltpc ? upstoxPriceToTicks(ltpc.cp) : null,
    bids: book.bids,
    asks: book.asks,
    volume,
    averagePrice,
    openInterest,
    dayOhlc: ohlc,
  };
}

/** Decodes one binary frame. Never throws: a frame that is not a `FeedResponse` is `{ ok: false }`. */
export function decodeUpstoxFeedFrame(frame: Uint8Array): UpstoxFeedDecodeResult {
  const type = upstoxFeedResponseType();
  let obj: Obj;
  try {
    // The decoded message itself (no toObject copy): int64 fields are numbers or Longs, enums numbers.
    obj = type.decode(frame) as unknown as Obj;
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const kind = FEED_TYPES[typeof obj.type === 'number' ? obj.type : 0];
  if (kind !== 'initial_feed' && kind !== 'live_feed' && kind !== 'market_info')
    return { ok: false, error: `unknown type ${String(obj.type)}` };
  const ticks: UpstoxFeedTick[] = [];
  if (isObj(obj.feeds)) for (const [key, feed] of Object.entries(obj.feeds)) if (isObj(feed)) ticks.push(tickOf(key, feed));
  const segmentStatus: Record<string, string> = {};
  const info = isObj(obj.marketInfo) && isObj(obj.marketInfo.segmentStatus) ? obj.marketInfo.segmentStatus : {};
  for (const [segment, status] of Object.entries(info)) {
    const name = typeof status === 'number' ? MARKET_STATUSES[status] : undefined;
    if (name) segmentStatus[segment] = name;
  }
  return { ok: true, message: { type: kind, currentTs: num(obj.currentTs), ticks, segmentStatus } };
}

export interface UpstoxFeedDecoderStats {
  readonly frames: number;
  readonly malformed: number;
  readonly ticks: number;
}

/** Frame-by-frame decoding with counts: malformed frames are counted and skipped (`decode` answers null). */
export class UpstoxFeedDecoder {
  private frames = 0;
  private malformed = 0;
  private ticks = 0;

  constructor(private readonly onMalformed?: (error: string, frame: Uint8Array) => void) {}

  decode(frame: Uint8Array): UpstoxFeedMessage | null {
    this.frames += 1;
    const r = decodeUpstoxFeedFrame(frame);
    if (!r.ok) {
      this.malformed += 1;
      try {
        this.onMalformed?.(r.error, frame);
      } catch {
        // a reporter must not break decoding
      }
      return null;
    }
    this.ticks += r.message.ticks.length;
    return r.message;
  }

  get stats(): UpstoxFeedDecoderStats {
    return { frames: this.frames, malformed: this.malformed, ticks: this.ticks };
  }
}
