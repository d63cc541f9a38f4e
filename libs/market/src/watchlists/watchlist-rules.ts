import { DomainError, type FieldError } from '@tradeloop/domain';
import type { Watchlist } from '@tradeloop/contracts';
import type { Db, Sql } from '@tradeloop/platform';
import type { WatchlistsRepository } from './watchlists.repository';

// The rules every watchlist operation shares. Every operation is scoped to the caller: another
// user's list, like a malformed id, is simply not found. Each change runs in one transaction.
// Limits and unknown symbols are refused with VALIDATION_FAILED naming the problem.

/** Name of the list every user gets on first use. */
export const DEFAULT_WATCHLIST_NAME = 'Watchlist 1';

/**
 * What a new user's first list holds, so the Trade page has prices to look at on day one: the two
 * index benchmarks and the most traded large caps (docs/api.md "Watchlists"). Symbols the
 * instrument master does not list are left out.
 */
export const DEFAULT_WATCHLIST_SYMBOLS: readonly string[] = [
  'NIFTY',
  'BANKNIFTY',
  'RELIANCE',
  'HDFCBANK',
  'ICICIBANK',
  'INFY',
  'TCS',
  'SBIN',
  'BHARTIARTL',
  'ITC',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isWatchlistId = (id: string) => UUID.test(id);

export const watchlistNotFound = () => new DomainError('NOT_FOUND', 'No such watchlist');

export function assertNoRepeats(symbols: readonly string[]): void {
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  symbols.forEach((s, i) => {
    if (seen.has(s)) fieldErrors.push({ field: `symbols.${i}`, message: `"${s}" is already in the list` });
    seen.add(s);
  });
  if (fieldErrors.length) throw new DomainError('VALIDATION_FAILED', 'Symbols must not repeat', { fieldErrors });
}

export const nameConflict = (name: string) =>
  new DomainError('CONFLICT', `You already have a watchlist named "${name}"`, {
    fieldErrors: [{ field: 'name', message: 'is already used by another of your watchlists' }],
  });

/** Refuses symbols that are not instruments, naming each by its field. */
export async function assertKnownSymbols(
  repo: WatchlistsRepository,
  sql: Sql,
  symbols: readonly string[],
  field: 'symbols' | 'symbol',
): Promise<void> {
  const unknown = await repo.unknownSymbols(sql, symbols);
  if (unknown.length === 0) return;
  const fieldErrors: FieldError[] = unknown.map((s) => ({
    field: field === 'symbol' ? 'symbol' : `symbols.${symbols.indexOf(s)}`,
    message: `unknown symbol "${s}"`,
  }));
  throw new DomainError('VALIDATION_FAILED', `Unknown ${unknown.length === 1 ? 'symbol' : 'symbols'}: ${unknown.join(', ')}`, {
    fieldErrors,
  });
}

/** Locks the caller's list, applies `change` and, if it changed anything, stamps `updatedAt`. */
export async function changeWatchlistSymbols(
  db: Db,
  repo: WatchlistsRepository,
  userId: string,
  id: string,
  change: (sql: Sql) => Promise<boolean>,
): Promise<Watchlist> {
  if (!UUID.test(id)) throw watchlistNotFound();
  return db.tx(async (sql) => {
    if (!(await repo.lockList(sql, userId, id))) throw watchlistNotFound();
    if (await change(sql)) await repo.touch(sql, id);
    return (await repo.find(sql, userId, id))!;
  });
}
