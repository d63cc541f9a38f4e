import type { AccountId, UserId } from '../units';

/**
 * Ledger accounts. Each user has `cash` (available) and `held` (reserved for open orders and
 * margin). The house has `external` (money entering or leaving the platform), `clearing`
 * (counterparty of trade settlement), `fees` and `taxes`.
 */
export const USER_BUCKETS = ['cash', 'held'] as const;
export type UserBucket = (typeof USER_BUCKETS)[number];
export const HOUSE_ACCOUNTS = ['external', 'clearing', 'fees', 'taxes'] as const;
export type HouseAccount = (typeof HOUSE_ACCOUNTS)[number];

export type AccountRef = { kind: 'user'; userId: UserId; bucket: UserBucket } | { kind: 'house'; name: HouseAccount };

export const userAccount = (userId: UserId, bucket: UserBucket): AccountRef => ({ kind: 'user', userId, bucket });
export const houseAccount = (name: HouseAccount): AccountRef => ({ kind: 'house', name });

/** Stable text form stored with every entry: `user:<uuid>:cash`, `house:fees`. */
export function accountCode(a: AccountRef): AccountId {
  return a.kind === 'user' ? `user:${a.userId}:${a.bucket}` : `house:${a.name}`;
}

export function parseAccountCode(code: string): AccountRef | null {
  const user = /^user:([0-9a-f-]{36}):(cash|held)$/.exec(code);
  if (user) return userAccount(user[1]!, user[2] as UserBucket);
  const house = /^house:(external|clearing|fees|taxes)$/.exec(code);
  return house ? houseAccount(house[1] as HouseAccount) : null;
}
