import { Inject, Injectable } from '@nestjs/common';
import { formatMoney, paperBook, parsePositiveMoney, setPaperBalanceTx, type BrokerAccountId, type UserId } from '@tradeloop/domain';
import type { LedgerTransaction, Wallet } from '@tradeloop/contracts';
import { Idempotency, type StoredResponse } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { LedgerRepository } from './ledger.repository';

export interface SetPaperBalanceResult {
  accountId: BrokerAccountId;
  /** The paper account's balances afterwards: `available` is the amount set; `held` is untouched. */
  balance: Wallet;
  /** The SET_BALANCE transaction, or null when the balance already was that amount. */
  transaction: LedgerTransaction | null;
}

/**
 * The owner sets (or resets) their paper account's virtual balance (docs/domain.md, "Accounts and
 * books"). In one database transaction: the paper book is opened if it never was (its balance row,
 * owned by this user for ever; another user's account is NOT_FOUND), its row locked, and one
 * SET_BALANCE transaction moves the difference between `paper:external` and the account's cash,
 * so `available` becomes the amount; the audit event goes with it. Held money is not touched: a
 * reset releases nothing, open paper orders keep their holds. An unchanged amount posts nothing
 * and records no audit event. The Idempotency-Key makes a retried request land exactly once.
 *
 * Whoever owns the broker account decides who may call this (the route checks the account is the
 * caller's paper account); the ledger only refuses a book that already belongs to someone else.
 */
@Injectable()
export class SetPaperBalanceUseCase {
  constructor(
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(Idempotency) private readonly idempotency: Idempotency,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(
    accountId: BrokerAccountId,
    userId: UserId,
    amount: string,
    key: string,
    meta: RequestMeta = {},
  ): Promise<StoredResponse<SetPaperBalanceResult>> {
    const newCash = parsePositiveMoney(amount);
    return this.idempotency.run<SetPaperBalanceResult>(
      { scope: userId, key, fingerprint: { op: 'paper.balance.set', accountId, amount } },
      200,
      async (sql) => {
        const book = paperBook(accountId, userId);
        const current = await this.ledger.lockPaperBook(sql, book);
        if (current.cash === newCash) return { accountId, balance: current.balances, transaction: null };
        const posted = await this.ledger.post(sql, setPaperBalanceTx(book, current.cash, newCash, `paper-balance:${key}`));
        await this.audit.append(
          {
            actorId: userId,
            action: 'broker_account.paper_balance_set',
            subject: `broker_account:${accountId}`,
            details: { amount: formatMoney(newCash), previous: formatMoney(current.cash), transactionId: posted.transaction.id },
            meta,
          },
          sql,
        );
        return { accountId, balance: posted.balances, transaction: posted.transaction };
      },
    );
  }
}
