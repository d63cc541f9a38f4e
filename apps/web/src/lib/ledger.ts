import { parseAccountCode, type EntryType } from '@tradeloop/domain';

export type AccountBucket = 'cash' | 'held' | 'house';

export interface AccountView {
  bucket: AccountBucket;
  /** "cash", "held", "house:external"… */
  label: string;
  /** The owner of a user account; null for house accounts. */
  userId: string | null;
}

/** `user:<uuid>:cash` → cash bucket of that user; `house:fees` → the house. Unknown codes stay raw. */
export function describeAccount(code: string): AccountView {
  const ref = parseAccountCode(code);
  if (!ref) return { bucket: 'house', label: code, userId: null };
  if (ref.kind === 'user') return { bucket: ref.bucket, label: ref.bucket, userId: ref.userId };
  // A paper account's own cash/held, or the paper books' house: virtual money, labelled as such.
  if (ref.kind === 'paper') return { bucket: ref.bucket, label: `paper ${ref.bucket}`, userId: null };
  if (ref.kind === 'paperHouse') return { bucket: 'house', label: `paper:${ref.name}`, userId: null };
  // A live broker account's cash mirror (our record of its cash at the broker), or the broker house.
  if (ref.kind === 'mirror') return { bucket: 'cash', label: 'broker cash', userId: null };
  if (ref.kind === 'mirrorHouse') return { bucket: 'house', label: `broker:${ref.name}`, userId: null };
  return { bucket: 'house', label: `house:${ref.name}`, userId: null };
}

/** Money in is green, money out red, reservations amber, trading blue, charges grey. */
export const ENTRY_TYPE_TONE: Record<EntryType, 'positive' | 'negative' | 'warning' | 'accent' | 'neutral'> = {
  DEPOSIT: 'positive',
  WITHDRAWAL: 'negative',
  HOLD: 'warning',
  RELEASE: 'warning',
  TRADE_BUY: 'accent',
  TRADE_SELL: 'accent',
  FEE: 'neutral',
  TAX: 'neutral',
  SET_BALANCE: 'neutral',
  ADJUSTMENT: 'neutral',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value.trim());
