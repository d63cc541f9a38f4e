import type { AccountId, BrokerAccountId, UserId } from '../units';

/**
 * Ledger accounts, in two kinds of book (docs/domain.md, "Ledger" and "Accounts and books").
 *
 * The real book (the wallet): each user has `cash` (available) and `held` (reserved for open
 * orders and margin). The house has `external` (money entering or leaving the platform),
 * `clearing` (counterparty of trade settlement), `fees` and `taxes`.
 *
 * Paper books: each paper broker account has its own `cash` and `held`, keyed by the broker
 * account's id, and the paper books share one paper house (`paper:external`, `paper:clearing`,
 * `paper:fees`, `paper:taxes`) that real money never touches. One shared paper house rather
 * than one per account: house balances are never stored (verify derives them), so a shared one
 * costs no hot row, mirrors the real book's shape, and keeps the account codes few; what a
 * per-account house would add (each account's book sums to zero) already holds because every
 * transaction stays inside one account's book and sums to zero.
 *
 * Mirror books: each live broker account has one account, `broker:<account>:cash`, our record of
 * its cash at the broker, moved only by the daily reconciliation against a shared broker house
 * (`broker:clearing` for the cash flow of our fills, `broker:external` for what our fills do not
 * explain: payins, payouts, charges). No `held`: the broker blocks margin, we only mirror its
 * total. Never the wallet's or a paper book's money.
 */
export const USER_BUCKETS = ['cash', 'held'] as const;
export type UserBucket = (typeof USER_BUCKETS)[number];
export const HOUSE_ACCOUNTS = ['external', 'clearing', 'fees', 'taxes'] as const;
export type HouseAccount = (typeof HOUSE_ACCOUNTS)[number];

export type AccountRef =
  | { kind: 'user'; userId: UserId; bucket: UserBucket }
  | { kind: 'house'; name: HouseAccount }
  | { kind: 'paper'; accountId: BrokerAccountId; bucket: UserBucket }
  | { kind: 'paperHouse'; name: HouseAccount }
  | { kind: 'mirror'; accountId: BrokerAccountId; bucket: 'cash' }
  | { kind: 'mirrorHouse'; name: MirrorHouseAccount };

/** The broker house of the mirror books: where our fills' cash goes (`clearing`) and what they do not explain comes from (`external`). */
export const MIRROR_HOUSE_ACCOUNTS = ['external', 'clearing'] as const;
export type MirrorHouseAccount = (typeof MIRROR_HOUSE_ACCOUNTS)[number];

export const userAccount = (userId: UserId, bucket: UserBucket): AccountRef => ({ kind: 'user', userId, bucket });
export const houseAccount = (name: HouseAccount): AccountRef => ({ kind: 'house', name });
export const paperAccount = (accountId: BrokerAccountId, bucket: UserBucket): AccountRef => ({ kind: 'paper', accountId, bucket });
export const paperHouseAccount = (name: HouseAccount): AccountRef => ({ kind: 'paperHouse', name });
export const mirrorAccount = (accountId: BrokerAccountId): AccountRef => ({ kind: 'mirror', accountId, bucket: 'cash' });
export const mirrorHouseAccount = (name: MirrorHouseAccount): AccountRef => ({ kind: 'mirrorHouse', name });

/**
 * Stable text form stored with every entry: `user:<uuid>:cash`, `house:fees`, `paper:<uuid>:held`,
 * `paper:clearing`, `broker:<uuid>:cash`, `broker:external`.
 */
export function accountCode(a: AccountRef): AccountId {
  switch (a.kind) {
    case 'user':
      return `user:${a.userId}:${a.bucket}`;
    case 'house':
      return `house:${a.name}`;
    case 'paper':
      return `paper:${a.accountId}:${a.bucket}`;
    case 'paperHouse':
      return `paper:${a.name}`;
    case 'mirror':
      return `broker:${a.accountId}:cash`;
    case 'mirrorHouse':
      return `broker:${a.name}`;
  }
}

export function parseAccountCode(code: string): AccountRef | null {
  const user = /^user:([0-9a-f-]{36}):(cash|held)$/.exec(code);
  if (user) return userAccount(user[1]!, user[2] as UserBucket);
  const house = /^house:(external|clearing|fees|taxes)$/.exec(code);
  if (house) return houseAccount(house[1] as HouseAccount);
  const paper = /^paper:([0-9a-f-]{36}):(cash|held)$/.exec(code);
  if (paper) return paperAccount(paper[1]!, paper[2] as UserBucket);
  const paperHouse = /^paper:(external|clearing|fees|taxes)$/.exec(code);
  if (paperHouse) return paperHouseAccount(paperHouse[1] as HouseAccount);
  const mirror = /^broker:([0-9a-f-]{36}):cash$/.exec(code);
  if (mirror) return mirrorAccount(mirror[1]!);
  const mirrorHouse = /^broker:(external|clearing)$/.exec(code);
  return mirrorHouse ? mirrorHouseAccount(mirrorHouse[1] as MirrorHouseAccount) : null;
}
