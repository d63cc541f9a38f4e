import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type FieldError } from '@tradeloop/domain';
import { WATCHLIST_MAX_SYMBOLS, WATCHLISTS_MAX_PER_USER, type Watchlist } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { WatchlistsRepository } from './watchlists.repository';

/** Name of the list every user gets on first use. */
export const DEFAULT_WATCHLIST_NAME = 'Watchlist 1';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notFound = () => new DomainError('NOT_FOUND', 'No such watchlist');

/**
 * A user's watchlists. Every operation is scoped to the caller: another user's list, like a
 * malformed id, is simply not found. Each change runs in one transaction.
 *
 * Limits and unknown symbols are refused with VALIDATION_FAILED naming the problem.
 */
@Injectable()
export class WatchlistsService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  /** The user's lists in order; a user with none gets the default list (once, even under concurrent first reads). */
  async list(userId: string): Promise<Watchlist[]> {
    const lists = await this.repo.list(this.db.sql, userId);
    if (lists.length > 0) return lists;
    return this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if ((await this.repo.count(sql, userId)) === 0) {
        await this.repo.insert(sql, { id: uuidv7(), userId, name: DEFAULT_WATCHLIST_NAME });
      }
      return this.repo.list(sql, userId);
    });
  }

  async create(userId: string, input: { name: string; symbols: string[] }): Promise<Watchlist> {
    assertNoRepeats(input.symbols);
    return this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      const count = await this.repo.count(sql, userId);
      if (count >= WATCHLISTS_MAX_PER_USER) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `You already have ${count} watchlists, the most allowed (${WATCHLISTS_MAX_PER_USER}); delete one to create another`,
        );
      }
      await this.assertKnown(sql, input.symbols, 'symbols');
      const id = uuidv7();
      if (!(await this.repo.insert(sql, { id, userId, name: input.name }))) throw nameConflict(input.name);
      await this.repo.replaceItems(sql, id, input.symbols);
      return (await this.repo.find(sql, userId, id))!;
    });
  }

  async rename(userId: string, id: string, name: string): Promise<Watchlist> {
    if (!UUID.test(id)) throw notFound();
    return this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if (!(await this.repo.lockList(sql, userId, id))) throw notFound();
      if (await this.repo.nameTaken(sql, userId, name, id)) throw nameConflict(name);
      await this.repo.rename(sql, userId, id, name);
      return (await this.repo.find(sql, userId, id))!;
    });
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw notFound();
    await this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if (!(await this.repo.delete(sql, userId, id))) throw notFound();
    });
  }

  /** Replaces the whole ordered list (reorder or bulk edit). */
  async replaceSymbols(userId: string, id: string, symbols: string[]): Promise<Watchlist> {
    assertNoRepeats(symbols);
    return this.changeSymbols(userId, id, async (sql) => {
      await this.assertKnown(sql, symbols, 'symbols');
      await this.repo.replaceItems(sql, id, symbols);
      return true;
    });
  }

  /** Appends a symbol; one already on the list leaves it unchanged (idempotent). */
  async addSymbol(userId: string, id: string, symbol: string): Promise<Watchlist> {
    return this.changeSymbols(userId, id, async (sql) => {
      const current = await this.repo.symbols(sql, id);
      if (current.includes(symbol)) return false;
      await this.assertKnown(sql, [symbol], 'symbol');
      if (current.length >= WATCHLIST_MAX_SYMBOLS) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `This watchlist already holds ${current.length} symbols, the most allowed (${WATCHLIST_MAX_SYMBOLS})`,
          {
            fieldErrors: [{ field: 'symbol', message: `the watchlist is full (at most ${WATCHLIST_MAX_SYMBOLS} symbols)` }],
          },
        );
      }
      await this.repo.appendItem(sql, id, symbol);
      return true;
    });
  }

  /** Removes a symbol; one not on the list leaves it unchanged (idempotent). */
  async removeSymbol(userId: string, id: string, symbol: string): Promise<Watchlist> {
    return this.changeSymbols(userId, id, (sql) => this.repo.removeItem(sql, id, symbol));
  }

  /** Locks the caller's list, applies `change` and, if it changed anything, stamps `updatedAt`. */
  private async changeSymbols(userId: string, id: string, change: (sql: Sql) => Promise<boolean>): Promise<Watchlist> {
    if (!UUID.test(id)) throw notFound();
    return this.db.tx(async (sql) => {
      if (!(await this.repo.lockList(sql, userId, id))) throw notFound();
      if (await change(sql)) await this.repo.touch(sql, id);
      return (await this.repo.find(sql, userId, id))!;
    });
  }

  private async assertKnown(sql: Sql, symbols: readonly string[], field: 'symbols' | 'symbol'): Promise<void> {
    const unknown = await this.repo.unknownSymbols(sql, symbols);
    if (unknown.length === 0) return;
    const fieldErrors: FieldError[] = unknown.map((s) => ({
      field: field === 'symbol' ? 'symbol' : `symbols.${symbols.indexOf(s)}`,
      message: `unknown symbol "${s}"`,
    }));
    throw new DomainError('VALIDATION_FAILED', `Unknown ${unknown.length === 1 ? 'symbol' : 'symbols'}: ${unknown.join(', ')}`, {
      fieldErrors,
    });
  }
}

function assertNoRepeats(symbols: readonly string[]): void {
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  symbols.forEach((s, i) => {
    if (seen.has(s)) fieldErrors.push({ field: `symbols.${i}`, message: `"${s}" is already in the list` });
    seen.add(s);
  });
  if (fieldErrors.length) throw new DomainError('VALIDATION_FAILED', 'Symbols must not repeat', { fieldErrors });
}

const nameConflict = (name: string) =>
  new DomainError('CONFLICT', `You already have a watchlist named "${name}"`, {
    fieldErrors: [{ field: 'name', message: 'is already used by another of your watchlists' }],
  });
