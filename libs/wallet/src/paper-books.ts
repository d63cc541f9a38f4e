import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { paperBook, setPaperBalanceTx, tryParsePositiveMoney, type BrokerAccountId, type Paise, type UserId } from '@tradeloop/domain';
import { APP_CONFIG, Db, type AppConfig, type Sql } from '@tradeloop/platform';
import { LedgerRepository, type PaperBalance } from './ledger.repository';

/** `PAPER_STARTING_BALANCE` in paise ("0" → none). */
export const startingPaperBalance = (config: Pick<AppConfig, 'PAPER_STARTING_BALANCE'>): Paise => {
  const r = tryParsePositiveMoney(config.PAPER_STARTING_BALANCE);
  return r.ok ? r.paise : 0n;
};

/**
 * Paper books as order intake, execution and the account views use them (docs/domain.md,
 * "Accounts and books (second wave)"): the first time a paper account's book is used it is opened
 * with the configured starting balance (`PAPER_STARTING_BALANCE`) as one SET_BALANCE posting, in
 * the caller's transaction, so a new trader can paper trade at once. The owner's set or reset
 * (SetPaperBalanceUseCase) replaces it; a book the owner set first is never funded again.
 */
@Injectable()
export class PaperBooks {
  private readonly starting: Paise;
  /** Paper books this process has seen exist (committed): account → owner. Books are never removed. */
  private readonly known = new LRUCache<string, UserId>({ max: 100_000 });
  /**
   * Books a transaction still under way opened (keyed by its Sql): seen again in that transaction
   * (a batch's second order on the account, PlaceOrderUseCase.placeWithin) they are not known to
   * exist — the transaction may still roll back.
   */
  private readonly openedBy = new WeakMap<Sql, Set<string>>();

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.starting = startingPaperBalance(config);
  }

  /**
   * Opens the book if it never was (funded with the starting balance) and locks its balance row
   * for the rest of the caller's transaction. `opened` when this call opened it. NOT_FOUND for
   * another user's paper account.
   */
  async open(sql: Sql, accountId: BrokerAccountId, userId: UserId): Promise<PaperBalance & { opened: boolean }> {
    const book = paperBook(accountId, userId);
    const locked = await this.ledger.lockPaperBook(sql, book);
    if (!locked.opened || this.starting === 0n) return locked;
    const posted = await this.ledger.post(sql, setPaperBalanceTx(book, 0n, this.starting, `paper-opening:${accountId}`));
    return { ...locked, balances: posted.balances, cash: this.starting };
  }

  /**
   * For order intake: makes sure the book exists (opened with the starting balance if it never
   * was), without locking or reading it when it is known to exist — the hold that follows is a
   * guarded update of the same row, which refuses an overdraft by itself. Known means this process
   * saw the row already there (committed by someone), never one it created in a transaction that
   * may still roll back. `opened` with the balances when this call opened it.
   */
  async ensureOpen(sql: Sql, accountId: BrokerAccountId, userId: UserId): Promise<{ opened: false } | (PaperBalance & { opened: true })> {
    if (this.known.get(accountId) === userId) return { opened: false };
    const book = await this.open(sql, accountId, userId);
    const mine = this.openedBy.get(sql);
    if (book.opened) this.openedBy.set(sql, (mine ?? new Set<string>()).add(accountId));
    else if (!mine?.has(accountId)) this.known.set(accountId, userId);
    return book.opened ? { ...book, opened: true } : { opened: false };
  }

  /** The paper account's balances, its book opened first if it never was (its own transaction). */
  balanceOf(accountId: BrokerAccountId, userId: UserId): Promise<PaperBalance> {
    return this.db.tx((sql) => this.open(sql, accountId, userId));
  }
}
