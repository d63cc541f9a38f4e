import type { PriceTicks } from '@tradeloop/domain';

/**
 * Kite's binary ticker frames (docs/brokers.md 5), decoded without I/O.
 *
 * A frame is `[uint16 packet count]` then, per packet, `[uint16 length][packet]`, big-endian. A
 * 1-byte frame is a heartbeat. Packets by length: 8 LTP; 28 index quote; 32 index full; 44
 * quote; 184 full (44 + last trade time, OI, OI day high/low, exchange time, then 10 depth
 * entries of 12 bytes: 5 bids then 5 offers, each quantity int32, price int32, orders int16 and 2
 * bytes of padding). The segment is `instrument_token & 0xff` (1 NSE, 2 NFO, 3 CDS, 4 BSE, 5 BFO,
 * 6 BCD, 7 MCX, 8 MCX-SX, 9 indices); prices are int32 in 1/100 rupee, except CDS (1/10,000,000)
 * and BCD (1/10,000). We give them as our ticks (1/10,000 rupee), exactly: a CDS price that is
 * not a whole number of ticks makes the frame invalid instead of being rounded.
 *
 * Two ways in. `readKiteTickFrame(frame, onTick)` fills ONE reusable `KiteTickView` per packet
 * and calls `onTick` with it (no allocation per tick: copy what you keep); `decodeKiteTickFrame`
 * returns fresh `KiteTick` objects. Neither throws for any input: a frame that is truncated,
 * has trailing bytes or holds an impossible price is an error result, and nothing of it is
 * delivered (the frame is checked whole before the first tick is handed out). Packets of a
 * length Kite does not document are skipped and counted, as the official clients skip them.
 */

export const KITE_SEGMENTS = Object.freeze({
  NSE: 1,
  NFO: 2,
  CDS: 3,
  BSE: 4,
  BFO: 5,
  BCD: 6,
  MCX: 7,
  MCXSX: 8,
  INDICES: 9,
});

export type KiteTickMode = 'ltp' | 'quote' | 'full';

export const KITE_PACKET_LENGTHS = Object.freeze({ ltp: 8, indexQuote: 28, indexFull: 32, quote: 44, full: 184 });

/** Depth levels per side in a full packet. */
export const KITE_DEPTH_LEVELS = 5;

/** Wire price integer → ticks (exact for every segment but CDS, which the frame check has verified). */
export function kiteWirePriceToTicks(segment: number, wire: number): PriceTicks {
  if (segment === KITE_SEGMENTS.CDS) return wire / 1000;
  if (segment === KITE_SEGMENTS.BCD) return wire;
  return wire * 100;
}

/** Ticks → the wire's price integer for a segment; null when it cannot be represented exactly in int32. */
export function ticksToKiteWirePrice(segment: number, ticks: PriceTicks): number | null {
  if (!Number.isSafeInteger(ticks)) return null;
  let wire: number;
  if (segment === KITE_SEGMENTS.CDS) wire = ticks * 1000;
  else if (segment === KITE_SEGMENTS.BCD) wire = ticks;
  else if (ticks % 100 === 0) wire = ticks / 100;
  else return null;
  return wire >= -0x80000000 && wire <= 0x7fffffff ? wire : null;
}

/**
 * One packet, decoded into a reused object. Fields a mode does not carry are 0 (numbers), null
 * (times) or untouched depth arrays — read `mode` and `isIndex` first.
 */
export class KiteTickView {
  mode: KiteTickMode = 'ltp';
  /** Index packets (28/32 bytes) carry ltp, OHLC and (full) the exchange time only. */
  isIndex = false;
  instrumentToken = 0;
  segment = 0;
  /** false for indices (segment 9): quotes only, no orders. */
  tradable = true;
  lastPrice: PriceTicks = 0;
  lastQuantity = 0;
  averagePrice: PriceTicks = 0;
  volume = 0;
  totalBuyQuantity = 0;
  totalSellQuantity = 0;
  open: PriceTicks = 0;
  high: PriceTicks = 0;
  low: PriceTicks = 0;
  close: PriceTicks = 0;
  /** Epoch ms, or null when Kite sent 0. Full mode only. */
  lastTradeTime: number | null = null;
  oi = 0;
  oiDayHigh = 0;
  oiDayLow = 0;
  /** Epoch ms, or null when Kite sent 0. Full mode (and index full) only. */
  exchangeTimestamp: number | null = null;
  /** Full mode: bids at [0..4], offers at [5..9]. */
  readonly depthQuantity = new Float64Array(2 * KITE_DEPTH_LEVELS);
  readonly depthPrice = new Float64Array(2 * KITE_DEPTH_LEVELS);
  readonly depthOrders = new Uint16Array(2 * KITE_DEPTH_LEVELS);
}

export interface KiteDepthLevel {
  readonly quantity: number;
  readonly price: PriceTicks;
  readonly orders: number;
}

/** A decoded packet as a plain object. */
export interface KiteTick {
  readonly mode: KiteTickMode;
  readonly isIndex: boolean;
  readonly instrumentToken: number;
  readonly segment: number;
  readonly tradable: boolean;
  readonly lastPrice: PriceTicks;
  /** Quote and full (absent for LTP packets). Index packets have no quantities: 0. */
  readonly quote?: {
    readonly lastQuantity: number;
    readonly averagePrice: PriceTicks;
    readonly volume: number;
    readonly totalBuyQuantity: number;
    readonly totalSellQuantity: number;
    readonly open: PriceTicks;
    readonly high: PriceTicks;
    readonly low: PriceTicks;
    readonly close: PriceTicks;
  };
  /** Full mode only (index full: only `exchangeTimestamp`, the rest 0/empty). */
  readonly full?: {
    readonly lastTradeTime: number | null;
    readonly oi: number;
    readonly oiDayHigh: number;
    readonly oiDayLow: number;
    readonly exchangeTimestamp: number | null;
    readonly bids: readonly KiteDepthLevel[];
    readonly offers: readonly KiteDepthLevel[];
  };
}

export type KiteFrameErrorCode = 'EMPTY' | 'TRUNCATED' | 'TRAILING_BYTES' | 'PRICE_NOT_IN_TICKS';

export interface KiteFrameError {
  readonly code: KiteFrameErrorCode;
  readonly message: string;
  /** Byte offset in the frame where the problem was found. */
  readonly offset: number;
}

/** What reading one frame gave: a heartbeat, some ticks (and skipped unknown packets), or an error. */
export type KiteFrameResult =
  | { readonly ok: true; readonly heartbeat: boolean; readonly ticks: number; readonly skipped: number }
  | { readonly ok: false; readonly error: KiteFrameError };

export type KiteTicksResult =
  | { readonly ok: true; readonly heartbeat: boolean; readonly ticks: KiteTick[]; readonly skipped: number }
  | { readonly ok: false; readonly error: KiteFrameError };

type Bytes = Uint8Array | ArrayBuffer;

const fail = (code: KiteFrameErrorCode, message: string, offset: number): { ok: false; error: KiteFrameError } => ({
  ok: false,
  error: { code, message, offset },
});

const KNOWN = new Set<number>([8, 28, 32, 44, 184]);

/** Byte offsets of the price fields of each packet length (CDS frames are checked for whole ticks). */
const PRICE_OFFSETS: Readonly<Record<number, readonly number[]>> = {
  8: [4],
  28: [4, 8, 12, 16, 20],
  32: [4, 8, 12, 16, 20],
  44: [4, 12, 28, 32, 36, 40],
  184: [4, 12, 28, 32, 36, 40, 68, 80, 92, 104, 116, 128, 140, 152, 164, 176],
};

/** Check the frame whole (framing, and CDS prices); null when it can be decoded. */
function checkFrame(view: DataView): KiteFrameError | null {
  const size = view.byteLength;
  const count = view.getUint16(0);
  let at = 2;
  for (let i = 0; i < count; i += 1) {
    if (at + 2 > size)
      return { code: 'TRUNCATED', message: `packet ${i + 1} of ${count}: no room for its length at byte ${at}`, offset: at };
    const length = view.getUint16(at);
    if (at + 2 + length > size)
      return {
        code: 'TRUNCATED',
        message: `packet ${i + 1} of ${count}: ${length} bytes announced, ${size - at - 2} left`,
        offset: at,
      };
    if (length >= 4 && KNOWN.has(length) && (view.getUint32(at + 2) & 0xff) === KITE_SEGMENTS.CDS) {
      for (const p of PRICE_OFFSETS[length] ?? []) {
        if (view.getInt32(at + 2 + p) % 1000 !== 0)
          return {
            code: 'PRICE_NOT_IN_TICKS',
            message: `packet ${i + 1}: CDS price ${view.getInt32(at + 2 + p)} / 1e7 is finer than 0.0001`,
            offset: at + 2 + p,
          };
      }
    }
    at += 2 + length;
  }
  if (at !== size) return { code: 'TRAILING_BYTES', message: `${size - at} bytes after the last of ${count} packets`, offset: at };
  return null;
}

const PAISE = 0;
const CDS = 1;
const BCD = 2;
/** kiteWirePriceToTicks without the segment test per field: this is the hot path. */
const px = (view: DataView, at: number, kind: number): number => {
  const w = view.getInt32(at);
  return kind === PAISE ? w * 100 : kind === CDS ? w / 1000 : w;
};

const seconds = (s: number): number | null => (s === 0 ? null : s * 1000);

/** Fill `t` from the packet at `o` of length `length` (known, checked). */
function readPacket(view: DataView, o: number, length: number, t: KiteTickView): void {
  const token = view.getUint32(o);
  const segment = token & 0xff;
  const k = segment === KITE_SEGMENTS.CDS ? CDS : segment === KITE_SEGMENTS.BCD ? BCD : PAISE;
  t.instrumentToken = token;
  t.segment = segment;
  t.tradable = segment !== KITE_SEGMENTS.INDICES;
  t.lastPrice = px(view, o + 4, k);
  if (length === 8) {
    t.mode = 'ltp';
    t.isIndex = false;
    return;
  }
  if (length === 28 || length === 32) {
    t.isIndex = true;
    t.mode = length === 32 ? 'full' : 'quote';
    // Index packets order these high, low, open, close (not as quote packets do).
    t.high = px(view, o + 8, k);
    t.low = px(view, o + 12, k);
    t.open = px(view, o + 16, k);
    t.close = px(view, o + 20, k);
    t.lastQuantity = 0;
    t.averagePrice = 0;
    t.volume = 0;
    t.totalBuyQuantity = 0;
    t.totalSellQuantity = 0;
    t.lastTradeTime = null;
    t.oi = 0;
    t.oiDayHigh = 0;
    t.oiDayLow = 0;
    t.exchangeTimestamp = length === 32 ? seconds(view.getUint32(o + 28)) : null;
    return;
  }
  t.isIndex = false;
  t.lastQuantity = view.getUint32(o + 8);
  t.averagePrice = px(view, o + 12, k);
  t.volume = view.getUint32(o + 16);
  t.totalBuyQuantity = view.getUint32(o + 20);
  t.totalSellQuantity = view.getUint32(o + 24);
  t.open = px(view, o + 28, k);
  t.high = px(view, o + 32, k);
  t.low = px(view, o + 36, k);
  t.close = px(view, o + 40, k);
  if (length === 44) {
    t.mode = 'quote';
    t.lastTradeTime = null;
    t.oi = 0;
    t.oiDayHigh = 0;
    t.oiDayLow = 0;
    t.exchangeTimestamp = null;
    return;
  }
  t.mode = 'full';
  t.lastTradeTime = seconds(view.getUint32(o + 44));
  t.oi = view.getUint32(o + 48);
  t.oiDayHigh = view.getUint32(o + 52);
  t.oiDayLow = view.getUint32(o + 56);
  t.exchangeTimestamp = seconds(view.getUint32(o + 60));
  const q = t.depthQuantity;
  const p = t.depthPrice;
  const n = t.depthOrders;
  for (let i = 0, d = o + 64; i < 10; i += 1, d += 12) {
    q[i] = view.getUint32(d);
    p[i] = px(view, d + 4, k);
    n[i] = view.getUint16(d + 8);
  }
}

function dataViewOf(frame: Bytes): DataView | null {
  if (frame instanceof ArrayBuffer) return new DataView(frame);
  if (frame instanceof Uint8Array) return new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return null;
}

const SHARED_VIEW = new KiteTickView();

/**
 * Read one frame, calling `onTick` once per known packet with `view` refilled (default: one
 * module-wide view — copy the fields you keep before returning from `onTick`). Never throws for
 * bad input; an exception thrown by `onTick` itself propagates.
 */
export function readKiteTickFrame(frame: Bytes, onTick: (tick: KiteTickView) => void, view: KiteTickView = SHARED_VIEW): KiteFrameResult {
  const dv = dataViewOf(frame);
  if (dv === null) return fail('EMPTY', 'a frame must be bytes', 0);
  const size = dv.byteLength;
  if (size === 0) return fail('EMPTY', 'an empty frame', 0);
  if (size === 1) return { ok: true, heartbeat: true, ticks: 0, skipped: 0 };
  const error = checkFrame(dv);
  if (error !== null) return { ok: false, error };
  const count = dv.getUint16(0);
  let at = 2;
  let ticks = 0;
  let skipped = 0;
  for (let i = 0; i < count; i += 1) {
    const length = dv.getUint16(at);
    if (length === 8 || length === 44 || length === 184 || length === 28 || length === 32) {
      readPacket(dv, at + 2, length, view);
      ticks += 1;
      onTick(view);
    } else skipped += 1;
    at += 2 + length;
  }
  return { ok: true, heartbeat: false, ticks, skipped };
}

function depthSide(t: KiteTickView, from: number): KiteDepthLevel[] {
  const side: KiteDepthLevel[] = new Array<KiteDepthLevel>(KITE_DEPTH_LEVELS);
  for (let i = 0; i < KITE_DEPTH_LEVELS; i += 1)
    side[i] = { quantity: t.depthQuantity[from + i]!, price: t.depthPrice[from + i]!, orders: t.depthOrders[from + i]! };
  return side;
}

/** A view's packet as a fresh plain object. */
export function kiteTickFromView(t: KiteTickView): KiteTick {
  const { mode } = t;
  if (mode === 'ltp')
    return {
      mode,
      isIndex: t.isIndex,
      instrumentToken: t.instrumentToken,
      segment: t.segment,
      tradable: t.tradable,
      lastPrice: t.lastPrice,
    };
  const quote = {
    lastQuantity: t.lastQuantity,
    averagePrice: t.averagePrice,
    volume: t.volume,
    totalBuyQuantity: t.totalBuyQuantity,
    totalSellQuantity: t.totalSellQuantity,
    open: t.open,
    high: t.high,
    low: t.low,
    close: t.close,
  };
  const full =
    mode === 'quote'
      ? undefined
      : {
          lastTradeTime: t.lastTradeTime,
          oi: t.oi,
          oiDayHigh: t.oiDayHigh,
          oiDayLow: t.oiDayLow,
          exchangeTimestamp: t.exchangeTimestamp,
          bids: t.isIndex ? [] : depthSide(t, 0),
          offers: t.isIndex ? [] : depthSide(t, KITE_DEPTH_LEVELS),
        };
  const tick: KiteTick = {
    mode,
    isIndex: t.isIndex,
    instrumentToken: t.instrumentToken,
    segment: t.segment,
    tradable: t.tradable,
    lastPrice: t.lastPrice,
    quote,
    ...(full === undefined ? {} : { full }),
  };
  return tick;
}

/** One frame as plain tick objects (allocates per tick; `readKiteTickFrame` does not). Never throws. */
export function decodeKiteTickFrame(frame: Bytes): KiteTicksResult {
  const ticks: KiteTick[] = [];
  const view = new KiteTickView();
  const r = readKiteTickFrame(frame, (t) => ticks.push(kiteTickFromView(t)), view);
  return r.ok ? { ok: true, heartbeat: r.heartbeat, ticks, skipped: r.skipped } : r;
}
