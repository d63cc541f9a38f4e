import { createHash } from 'node:crypto';
import type { Exchange } from '@tradeloop/domain';

/** A broker's id for one order it holds (one slice of ours, when the broker sliced it). */
export type BrokerOrderId = string & { readonly __brand: 'BrokerOrderId' };
/** A broker's id for one execution (Kite/Upstox `trade_id`): the key that makes a fill apply once. */
export type BrokerTradeId = string & { readonly __brand: 'BrokerTradeId' };

export const asBrokerOrderId = (id: string): BrokerOrderId => id as BrokerOrderId;
export const asBrokerTradeId = (id: string): BrokerTradeId => id as BrokerTradeId;

/**
 * Our canonical instrument identity: our symbol and exchange (libs/domain `Instrument`). Adapters
 * translate it to whatever the broker orders by (docs/brokers.md 4.1: Kite exchange + tradingsymbol,
 * Upstox `instrument_key`, OpenAlgo exchange + its own symbol) through an `InstrumentMapper`.
 */
export interface InstrumentRef {
  readonly exchange: Exchange;
  readonly symbol: string;
}

/** `NSE:INFY`: a stable map key for an instrument. */
export const instrumentKey = (ref: InstrumentRef): string => `${ref.exchange}:${ref.symbol}`;

export const sameInstrument = (a: InstrumentRef, b: InstrumentRef): boolean => a.exchange === b.exchange && a.symbol === b.symbol;

/**
 * What a broker accepts as a client tag (docs/brokers.md 4.6). Kite: at most 20 alphanumerics.
 * Upstox: about 40 characters, charset unconfirmed, so we keep to alphanumerics there too.
 * OpenAlgo has no client tag at all (its adapters hard-code the broker tag): capability `null`.
 */
export interface TagRule {
  readonly maxLength: number;
  /** Tested against the whole tag. */
  readonly allowed: RegExp;
}

export const KITE_TAG_RULE: TagRule = Object.freeze({ maxLength: 20, allowed: /^[A-Za-z0-9]+$/ });
export const UPSTOX_TAG_RULE: TagRule = Object.freeze({ maxLength: 40, allowed: /^[A-Za-z0-9]+$/ });

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The tag we send with an order so it can be found again after an ambiguous placement: our
 * order id itself when the broker accepts it as it is, otherwise a deterministic digest of it
 * (SHA-256 in base 62, as long as the broker allows: 20 characters carry 119 bits, so two of
 * our ids colliding is not a practical concern). Deterministic, so a restarted worker derives
 * the same tag from the order row without having stored it.
 */
export function correlationTag(clientOrderId: string, rule: TagRule): string {
  if (clientOrderId.length === 0) throw new RangeError('clientOrderId must not be empty');
  if (clientOrderId.length <= rule.maxLength && rule.allowed.test(clientOrderId)) return clientOrderId;
  let n = BigInt(`0x${createHash('sha256').update(clientOrderId, 'utf8').digest('hex')}`);
  let out = '';
  while (out.length < rule.maxLength) {
    out += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return out;
}
