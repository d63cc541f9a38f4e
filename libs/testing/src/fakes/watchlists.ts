import type { Watchlist } from '@tradeloop/contracts';
import type { Sql } from '@tradeloop/platform';
import type { WatchlistsRepository } from '@tradeloop/market';
import type { FakeDb } from './db';

interface StoredList {
  id: string;
  userId: string;
  name: string;
  position: number;
  symbols: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Watchlists and their items. Names are unique per user regardless of case, lists keep their
 * creation position, and `lockUser` is a real (fake) advisory lock held to the end of the caller's
 * transaction. `known` is the instrument master `unknownSymbols` checks against.
 */
export class FakeWatchlists implements WatchlistsRepository {
  readonly lists = new Map<string, StoredList>();

  constructor(
    private readonly db: FakeDb,
    readonly known: Set<string> = new Set(),
  ) {}

  async list(_sql: Sql, userId: string): Promise<Watchlist[]> {
    return [...this.lists.values()]
      .filter((l) => l.userId === userId)
      .sort((a, b) => a.position - b.position)
      .map(toWatchlist);
  }

  async find(_sql: Sql, userId: string, id: string): Promise<Watchlist | undefined> {
    const l = this.lists.get(id);
    return l && l.userId === userId ? toWatchlist(l) : undefined;
  }

  async lockUser(sql: Sql, userId: string): Promise<void> {
    await this.db.advisoryLock(sql, `tradeloop:watchlists:${userId}`);
  }

  async lockList(_sql: Sql, userId: string, id: string): Promise<boolean> {
    return this.lists.get(id)?.userId === userId;
  }

  async count(_sql: Sql, userId: string): Promise<number> {
    return [...this.lists.values()].filter((l) => l.userId === userId).length;
  }

  async nameTaken(_sql: Sql, userId: string, name: string, exceptId: string | null = null): Promise<boolean> {
    return [...this.lists.values()].some((l) => l.userId === userId && l.name.toLowerCase() === name.toLowerCase() && l.id !== exceptId);
  }

  async insert(sql: Sql, row: { id: string; userId: string; name: string }): Promise<boolean> {
    if (await this.nameTaken(sql, row.userId, row.name)) return false;
    const mine = [...this.lists.values()].filter((l) => l.userId === row.userId);
    const at = new Date();
    const position = mine.length ? Math.max(...mine.map((l) => l.position)) + 1 : 0;
    this.lists.set(row.id, { id: row.id, userId: row.userId, name: row.name, position, symbols: [], createdAt: at, updatedAt: at });
    this.db.onRollback(sql, () => this.lists.delete(row.id));
    return true;
  }

  async rename(sql: Sql, userId: string, id: string, name: string): Promise<boolean> {
    const l = this.lists.get(id);
    if (!l || l.userId !== userId) return false;
    this.change(sql, l, { name, updatedAt: new Date() });
    return true;
  }

  async delete(sql: Sql, userId: string, id: string): Promise<boolean> {
    const l = this.lists.get(id);
    if (!l || l.userId !== userId) return false;
    this.lists.delete(id);
    this.db.onRollback(sql, () => this.lists.set(id, l));
    return true;
  }

  async touch(sql: Sql, id: string): Promise<void> {
    const l = this.lists.get(id);
    if (l) this.change(sql, l, { updatedAt: new Date() });
  }

  async unknownSymbols(_sql: Sql, symbols: readonly string[]): Promise<string[]> {
    return symbols.filter((s) => !this.known.has(s));
  }

  async symbols(_sql: Sql, id: string): Promise<string[]> {
    return [...(this.lists.get(id)?.symbols ?? [])];
  }

  async replaceItems(sql: Sql, id: string, symbols: readonly string[]): Promise<void> {
    const l = this.lists.get(id);
    if (l) this.change(sql, l, { symbols: [...symbols] });
  }

  async appendItem(sql: Sql, id: string, symbol: string): Promise<void> {
    const l = this.lists.get(id);
    if (!l) return;
    // (watchlist_id, symbol) is the items' primary key.
    if (l.symbols.includes(symbol)) throw new Error(`duplicate key value violates unique constraint: ${symbol} is already on the list`);
    this.change(sql, l, { symbols: [...l.symbols, symbol] });
  }

  async removeItem(sql: Sql, id: string, symbol: string): Promise<boolean> {
    const l = this.lists.get(id);
    if (!l || !l.symbols.includes(symbol)) return false;
    this.change(sql, l, { symbols: l.symbols.filter((s) => s !== symbol) });
    return true;
  }

  private change(sql: Sql, l: StoredList, patch: Partial<StoredList>): void {
    const before = { ...l };
    Object.assign(l, patch);
    this.db.onRollback(sql, () => Object.assign(l, before));
  }
}

const toWatchlist = (l: StoredList): Watchlist => ({
  id: l.id,
  name: l.name,
  symbols: [...l.symbols],
  createdAt: l.createdAt.toISOString(),
  updatedAt: l.updatedAt.toISOString(),
});
