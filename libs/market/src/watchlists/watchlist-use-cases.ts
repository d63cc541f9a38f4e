import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@tradeloop/domain';
import { WATCHLIST_MAX_SYMBOLS, WATCHLISTS_MAX_PER_USER, type Watchlist } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { WatchlistsRepository } from './watchlists.repository';
import {
  DEFAULT_WATCHLIST_NAME,
  DEFAULT_WATCHLIST_SYMBOLS,
  assertKnownSymbols,
  assertNoRepeats,
  changeWatchlistSymbols,
  isWatchlistId,
  nameConflict,
  watchlistNotFound,
} from './watchlist-rules';

// A user's watchlists, one use case per operation (rules shared in watchlist-rules.ts).

/**
 * The user's lists in order; a user with none gets the default list of liquid names (once, even
 * under concurrent first reads). A user who empties or deletes it keeps what they chose.
 */
@Injectable()
export class ListWatchlistsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string): Promise<Watchlist[]> {
    const lists = await this.repo.list(this.db.sql, userId);
    if (lists.length > 0) return lists;
    return this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if ((await this.repo.count(sql, userId)) === 0) {
        const id = uuidv7();
        await this.repo.insert(sql, { id, userId, name: DEFAULT_WATCHLIST_NAME });
        const unknown = new Set(await this.repo.unknownSymbols(sql, DEFAULT_WATCHLIST_SYMBOLS));
        await this.repo.replaceItems(
          sql,
          id,
          DEFAULT_WATCHLIST_SYMBOLS.filter((s) => !unknown.has(s)),
        );
      }
      return this.repo.list(sql, userId);
    });
  }
}

/** A new list, with its symbols: at most WATCHLISTS_MAX_PER_USER lists, names unique per user, symbols known and not repeated. */
@Injectable()
export class CreateWatchlistUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, input: { name: string; symbols: string[] }): Promise<Watchlist> {
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
      await assertKnownSymbols(this.repo, sql, input.symbols, 'symbols');
      const id = uuidv7();
      if (!(await this.repo.insert(sql, { id, userId, name: input.name }))) throw nameConflict(input.name);
      await this.repo.replaceItems(sql, id, input.symbols);
      return (await this.repo.find(sql, userId, id))!;
    });
  }
}

/** Renames one of the caller's lists (names unique per user). */
@Injectable()
export class RenameWatchlistUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, id: string, name: string): Promise<Watchlist> {
    if (!isWatchlistId(id)) throw watchlistNotFound();
    return this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if (!(await this.repo.lockList(sql, userId, id))) throw watchlistNotFound();
      if (await this.repo.nameTaken(sql, userId, name, id)) throw nameConflict(name);
      await this.repo.rename(sql, userId, id, name);
      return (await this.repo.find(sql, userId, id))!;
    });
  }
}

/** Deletes one of the caller's lists. */
@Injectable()
export class DeleteWatchlistUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, id: string): Promise<void> {
    if (!isWatchlistId(id)) throw watchlistNotFound();
    await this.db.tx(async (sql) => {
      await this.repo.lockUser(sql, userId);
      if (!(await this.repo.delete(sql, userId, id))) throw watchlistNotFound();
    });
  }
}

/** Replaces the whole ordered list (reorder or bulk edit). */
@Injectable()
export class ReplaceWatchlistSymbolsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, id: string, symbols: string[]): Promise<Watchlist> {
    assertNoRepeats(symbols);
    return changeWatchlistSymbols(this.db, this.repo, userId, id, async (sql) => {
      await assertKnownSymbols(this.repo, sql, symbols, 'symbols');
      await this.repo.replaceItems(sql, id, symbols);
      return true;
    });
  }
}

/** Appends a symbol; one already on the list leaves it unchanged (idempotent). */
@Injectable()
export class AddWatchlistSymbolUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, id: string, symbol: string): Promise<Watchlist> {
    return changeWatchlistSymbols(this.db, this.repo, userId, id, async (sql) => {
      const current = await this.repo.symbols(sql, id);
      if (current.includes(symbol)) return false;
      await assertKnownSymbols(this.repo, sql, [symbol], 'symbol');
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
}

/** Removes a symbol; one not on the list leaves it unchanged (idempotent). */
@Injectable()
export class RemoveWatchlistSymbolUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WatchlistsRepository) private readonly repo: WatchlistsRepository,
  ) {}

  async execute(userId: string, id: string, symbol: string): Promise<Watchlist> {
    return changeWatchlistSymbols(this.db, this.repo, userId, id, (sql) => this.repo.removeItem(sql, id, symbol));
  }
}
