import { Inject, Injectable } from '@nestjs/common';
import {
  depositTx,
  DomainError,
  holdTx,
  parsePositiveMoney,
  releaseTx,
  settleTx,
  withdrawalTx,
  type JournalTransaction,
  type Paise,
  type Settlement,
} from '@tradeloop/domain';
import { REALTIME_EVENTS, type MoneyMovementRequest, type MoneyMovementResponse } from '@tradeloop/contracts';
import { Db, type Sql, Idempotency, type StoredResponse, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { LedgerBatchWriter } from './ledger-batch-writer';
import { LedgerRepository, type PostedTransaction } from './ledger.repository';

/**
 * Every wallet movement: one ledger transaction, atomic, concurrency-safe per user (the wallet
 * row lock), announced to the owner over realtime after it commits.
 */
@Injectable()
export class WalletService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(LedgerBatchWriter) private readonly batch: LedgerBatchWriter,
  ) {}

  /** Posts inside the caller's database transaction (orders will combine it with their rows). */
  post(sql: Sql, tx: JournalTransaction): Promise<PostedTransaction> {
    return this.ledger.post(sql, tx);
  }

  /**
   * Posts on its own (group-committed with other stand-alone postings arriving at the same
   * time), then tells the owner's browser.
   */
  async postAlone(tx: JournalTransaction): Promise<PostedTransaction> {
    const posted = await this.batch.post(tx);
    await this.announce(posted);
    return posted;
  }

  hold(userId: string, amount: Paise, reference: string) {
    return this.postAlone(holdTx(userId, amount, reference));
  }

  release(userId: string, amount: Paise, reference: string) {
    return this.postAlone(releaseTx(userId, amount, reference));
  }

  settle(userId: string, settlement: Settlement, reference: string) {
    return this.postAlone(settleTx(userId, settlement, reference));
  }

  async announce(posted: PostedTransaction): Promise<void> {
    await this.realtime.toUser(posted.transaction.userId, REALTIME_EVENTS.walletUpdated, { wallet: posted.wallet });
  }
}

/**
 * An admin moves money into or out of a user's wallet (docs/api.md "Wallet and ledger": deposits, withdrawals). The
 * Idempotency-Key makes a double-click or a retried request land exactly once.
 */
@Injectable()
export class FundWalletUseCase {
  constructor(
    @Inject(WalletService) private readonly wallets: WalletService,
    @Inject(LedgerRepository) private readonly ledger: LedgerRepository,
    @Inject(Idempotency) private readonly idempotency: Idempotency,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(
    direction: 'deposit' | 'withdrawal',
    actorId: string,
    userId: string,
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
        const tx = direction === 'deposit' ? depositTx(userId, amount, body.reference) : withdrawalTx(userId, amount, body.reference);
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
        return posted;
      },
    );
    if (!result.replayed) await this.wallets.announce(result.body);
    return result;
  }
}
