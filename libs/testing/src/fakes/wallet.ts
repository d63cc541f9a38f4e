import { randomUUID } from 'node:crypto';
import {
  accountCode,
  applyToWallet,
  DomainError,
  formatMoney,
  type LedgerBook,
  type JournalTransaction,
  type Paise,
  type PaperBook,
} from '@tradeloop/domain';
import type { Wallet } from '@tradeloop/contracts';
import type { Sql } from '@tradeloop/platform';
import { toWallet, type LedgerRepository, type PaperBalance, type PostedTransaction } from '@tradeloop/wallet';
import type { FakeDb } from './db';

/**
 * Wallet (and paper book) balances and the postings made, in memory. A posting applies the domain's
 * own balance rule (`applyToWallet`: neither cash nor held below zero) to the balances of its book;
 * a refused one throws the same codes as LedgerRepository.post (INSUFFICIENT_FUNDS, NOT_FOUND
 * without a wallet; a paper book never opened has nothing in it). Entries carry no
 * balance-after and the transaction no content hash: those are the repository's SQL, tested there.
 */
export class FakeLedger implements Pick<LedgerRepository, 'post' | 'postMany' | 'wallet' | 'lockPaperBook'> {
  readonly balances = new Map<string, { cash: Paise; held: Paise }>();
  readonly posted: PostedTransaction[] = [];

  constructor(private readonly db: FakeDb) {}

  /** Opens a user's wallet (outside any transaction), as registration does. */
  open(userId: string, cash: Paise = 0n, held: Paise = 0n): void {
    this.balances.set(userId, { cash, held });
  }

  async wallet(userId: string, _sql?: Sql): Promise<Wallet | undefined> {
    const b = this.balances.get(userId);
    return b && toWallet({ cash_paise: b.cash.toString(), held_paise: b.held.toString() });
  }

  /** Opens a paper account's book with `cash` in it. */
  openPaper(accountId: string, cash: Paise = 0n, held: Paise = 0n): void {
    this.balances.set(`paper:${accountId}`, { cash, held });
  }

  /** Opens a paper account's book if it never was (empty, undone on rollback), as the repository does; `opened` when this call did. */
  async lockPaperBook(sql: Sql, book: PaperBook): Promise<PaperBalance & { opened: boolean }> {
    const key = `paper:${book.accountId}`;
    const existing = this.balances.get(key);
    const b = existing ?? { cash: 0n, held: 0n };
    if (!existing) {
      this.balances.set(key, b);
      this.db.onRollback(sql, () => this.balances.delete(key));
    }
    return {
      accountId: book.accountId,
      userId: book.userId,
      balances: toWallet({ cash_paise: b.cash.toString(), held_paise: b.held.toString() }),
      cash: b.cash,
      held: b.held,
      opened: !existing,
    };
  }

  async post<B extends LedgerBook>(sql: Sql, tx: JournalTransaction<B>): Promise<PostedTransaction<B>> {
    if (tx.book.kind === 'mirror') throw new DomainError('NOT_FOUND', 'The fake ledger keeps no cash mirrors');
    const key = tx.book.kind === 'wallet' ? tx.userId! : `paper:${tx.book.accountId}`;
    const before = this.balances.get(key) ?? (tx.book.kind === 'paper' ? { cash: 0n, held: 0n } : undefined);
    if (!before) throw new DomainError('NOT_FOUND', 'User has no wallet');
    const after = applyToWallet(before, tx);
    this.balances.set(key, after);
    const balances = toWallet({ cash_paise: after.cash.toString(), held_paise: after.held.toString() });
    const posted = {
      book: tx.book,
      balances,
      wallet: tx.book.kind === 'wallet' ? balances : undefined,
      transaction: {
        id: randomUUID(),
        type: tx.type,
        userId: tx.userId,
        reference: tx.reference,
        createdAt: new Date().toISOString(),
        contentHash: '',
        seq: null,
        chainHash: null,
        prevChainHash: null,
        entries: tx.postings.map((p) => ({
          id: randomUUID(),
          account: accountCode(p.account),
          type: p.type,
          amount: formatMoney(p.amount),
          balanceAfter: null,
        })),
      },
    } as PostedTransaction<B>;
    this.posted.push(posted);
    this.db.onRollback(sql, () => {
      this.balances.set(key, before);
      this.posted.splice(this.posted.indexOf(posted), 1);
    });
    return posted;
  }

  /** Like the repository: postings whose guard refuses them are left out of `written`, not thrown. */
  async postMany(sql: Sql, txs: JournalTransaction[]): Promise<{ written: Map<string, PostedTransaction>; ids: string[] }> {
    const written = new Map<string, PostedTransaction>();
    const ids: string[] = [];
    for (const tx of txs) {
      try {
        const posted = await this.post(sql, tx);
        written.set(posted.transaction.id, posted);
        ids.push(posted.transaction.id);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        ids.push(randomUUID());
      }
    }
    return { written, ids };
  }
}
