/**
 * One user's order intake is serialised by a transaction-scoped advisory lock on this key (taken
 * with `Db.tx(work, { lock })`): two orders cannot both pass a limit that only one fits, and an
 * automatic trip decides with no order slipping in between its read and the engaged switch.
 * Everything that must exclude the intake takes this same lock.
 */
export const intakeLockKey = (userId: string): string => `orders:${userId}`;
