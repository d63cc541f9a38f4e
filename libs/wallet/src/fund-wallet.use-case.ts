import { Inject, Injectable } from '@nestjs/common';
import { depositTx, DomainError, parsePositiveMoney, walletBook, withdrawalTx, type UserId } from '@tradeloop/domain';
import type { MoneyMovementRequest, MoneyMovementResponse } from '@tradeloop/contracts';
import { Idempotency, type StoredResponse, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { LedgerRepository } from './ledger.repository';
import { announceWallet } from './post-transaction.use-case';

/**
 * An admin moves money into or out of a user's wallet (docs/api.md "Wallet and ledger": deposits, withdrawals). The
 * Idempotency-Key makes a double-click or a retried request land exactly once.
 */
@Injectable()
export class FundWalletUseCase {
  constructor(
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(Idempotency) private readonly idempotency: Idempotency,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(
    direction: 'deposit' | 'withdrawal',
    actorId: UserId,
    userId: UserId,
    body: MoneyMovementRequest,
    key: string,
    meta: RequestMeta,
  ): Promise<StoredResponse<MoneyMovementResponse>> {
    const amount = parsePositiveMoney(body.amount);
    const result = await this.idempotency.run<MoneyMovementResponse>(
      { scope: actorId, key, fingerprint: { op: `wallet.${direction}`, userId, body } },
      201,
      async (sql) => {
        if (!(await this.ledger.wallet(userId, sql))) throw new DomainError('NOT_FOUND', 'No such user');
        // Real money only: deposits and withdrawals exist in the wallet book alone (docs/domain.md, "Accounts and books").
        const book = walletBook(userId);
        const tx = direction === 'deposit' ? depositTx(book, amount, body.reference) : withdrawalTx(book, amount, body.reference);
        const posted = await this.ledger.post(sql, tx);
        await this.audit.append(
          {
            actorId,
            action: direction === 'deposit' ? 'wallet.deposited' : 'wallet.withdrawn',
            subject: `user:${userId}`,
            details: { amount: body.amount, reference: body.reference, transactionId: posted.transaction.id },
            meta,
          },
          sql,
        );
        return { transaction: posted.transaction, wallet: posted.wallet };
      },
    );
    if (!result.replayed) await announceWallet(this.realtime, result.body);
    return result;
  }
}
