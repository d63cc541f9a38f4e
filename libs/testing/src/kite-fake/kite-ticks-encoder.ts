import type { PriceTicks } from '@tradeloop/domain';

// The fake's side of Kite's binary ticker frames (docs/brokers.md 5), written from the layout the
// official clients read (kiteconnectjs lib/ticker.ts, pykiteconnect ticker.py), independently of
// the production decoder (libs/brokers/src/kite/kite-ticks.ts): [uint16 count] then per packet
// [uint16 length][packet], big-endian; prices int32 in paise (CDS 1e-7 rupee, BCD 1e-4 rupee).

export type FakeTickMode = 'ltp' | 'quote' | 'full';

export interface FakeDepthLevel {
  readonly quantity: number;
  readonly price: PriceTicks;
  readonly orders: number;
}

/** One instrument's state as the fake sends it; prices in our ticks (1/10000 rupee). */
export interface FakeTickData {
  readonly instrumentToken: number;
  readonly lastPrice: PriceTicks;
  readonly lastQuantity?: number;
  readonly averagePrice?: PriceTicks;
  readonly volume?: number;
  readonly totalBuyQuantity?: number;
  readonly totalSellQuantity?: number;
  readonly open?: PriceTicks;
  readonly high?: PriceTicks;
  readonly low?: PriceTicks;
  readonly close?: PriceTicks;
  /** Epoch ms (sent in whole seconds). */
  readonly lastTradeTime?: number | null;
  readonly oi?: number;
  readonly oiDayHigh?: number;
  readonly oiDayLow?: number;
  readonly exchangeTimestamp?: number | null;
  /** Up to 5 each; missing levels are sent as zeros. */
  readonly bids?: readonly FakeDepthLevel[];
  readonly offers?: readonly FakeDepthLevel[];
}

const INDICES = 9;

/** The wire integer of a price in ticks for the token's segment; throws if it is not exact. */
export function encodeWirePrice(instrumentToken: number, ticks: PriceTicks): number {
  const segment = instrumentToken & 0xff;
  let wire: number;
  if (segment === 3) wire = ticks * 1000;
  else if (segment === 6) wire = ticks;
  else {
    if (ticks % 100 !== 0) throw new RangeError(`price ${ticks} ticks is not a whole number of paise`);
    wire = ticks / 100;
  }
  if (!Number.isSafeInteger(wire) || wire < -0x80000000 || wire > 0x7fffffff)
    throw new RangeError(`price ${ticks} ticks does not fit an int32`);
  return wire;
}

/** Packet length for a mode; index tokens (segment 9) have their own 8/28/32-byte packets. */
export function packetLength(instrumentToken: number, mode: FakeTickMode): number {
  if (mode === 'ltp') return 8;
  if ((instrumentToken & 0xff) === INDICES) return mode === 'full' ? 32 : 28;
  return mode === 'full' ? 184 : 44;
}

const secs = (ms: number | null | undefined): number => (ms === null || ms === undefined ? 0 : Math.floor(ms / 1000));

/** Write one packet (without its length prefix) at `at`; returns the next offset. */
export function writePacket(buf: Buffer, at: number, tick: FakeTickData, mode: FakeTickMode): number {
  const token = tick.instrumentToken;
  const p = (ticks: PriceTicks | undefined): number => encodeWirePrice(token, ticks ?? 0);
  const len = packetLength(token, mode);
  buf.writeUInt32BE(token >>> 0, at);
  buf.writeInt32BE(p(tick.lastPrice), at + 4);
  if (len === 8) return at + 8;
  if (len === 28 || len === 32) {
    buf.writeInt32BE(p(tick.high), at + 8);
    buf.writeInt32BE(p(tick.low), at + 12);
    buf.writeInt32BE(p(tick.open), at + 16);
    buf.writeInt32BE(p(tick.close), at + 20);
    buf.writeInt32BE(p((tick.lastPrice ?? 0) - (tick.close ?? 0)), at + 24);
    if (len === 32) buf.writeUInt32BE(secs(tick.exchangeTimestamp), at + 28);
    return at + len;
  }
  buf.writeUInt32BE(tick.lastQuantity ?? 0, at + 8);
  buf.writeInt32BE(p(tick.averagePrice), at + 12);
  buf.writeUInt32BE(tick.volume ?? 0, at + 16);
  buf.writeUInt32BE(tick.totalBuyQuantity ?? 0, at + 20);
  buf.writeUInt32BE(tick.totalSellQuantity ?? 0, at + 24);
  buf.writeInt32BE(p(tick.open), at + 28);
  buf.writeInt32BE(p(tick.high), at + 32);
  buf.writeInt32BE(p(tick.low), at + 36);
  buf.writeInt32BE(p(tick.close), at + 40);
  if (len === 44) return at + 44;
  buf.writeUInt32BE(secs(tick.lastTradeTime), at + 44);
  buf.writeUInt32BE(tick.oi ?? 0, at + 48);
  buf.writeUInt32BE(tick.oiDayHigh ?? 0, at + 52);
  buf.writeUInt32BE(tick.oiDayLow ?? 0, at + 56);
  buf.writeUInt32BE(secs(tick.exchangeTimestamp), at + 60);
  let d = at + 64;
  for (const side of [tick.bids ?? [], tick.offers ?? []]) {
    for (let i = 0; i < 5; i += 1, d += 12) {
      const level = side[i];
      buf.writeUInt32BE(level?.quantity ?? 0, d);
      buf.writeInt32BE(p(level?.price), d + 4);
      buf.writeUInt16BE(level?.orders ?? 0, d + 8);
      buf.writeUInt16BE(0, d + 10); // padding
    }
  }
  return at + 184;
}

/** One binary frame of packets, each in its own mode. */
export function encodeTickFrame(packets: readonly { readonly tick: FakeTickData; readonly mode: FakeTickMode }[]): Buffer {
  if (packets.length > 0xffff) throw new RangeError('at most 65535 packets per frame');
  let size = 2;
  for (const { tick, mode } of packets) size += 2 + packetLength(tick.instrumentToken, mode);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt16BE(packets.length, 0);
  let at = 2;
  for (const { tick, mode } of packets) {
    const len = packetLength(tick.instrumentToken, mode);
    buf.writeUInt16BE(len, at);
    at = writePacket(buf, at + 2, tick, mode);
  }
  return buf;
}

/** The 1-byte heartbeat Kite sends on an idle connection. */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([0]);
