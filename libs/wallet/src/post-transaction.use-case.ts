import { Inject, Injectable } from '@nestjs/common';
import type { JournalTransaction, LedgerBook } from '@tradeloop/domain';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { RealtimePublisher } from '@tradeloop/platform';
import { LedgerBatchWriter } from './ledger-batch-writer';
import type { PostedTransaction } from './ledger.repository';

/**
 * Tells the owner's browser the wallet after a posting (best effort: after the commit). A paper
 * posting is not the wallet: nothing is announced as one (docs/domain.md, "Accounts and books").
 */
export async function announceWallet(
  realtime: RealtimePublisher,
  posted: Pick<PostedTransaction, 'transaction' | 'wallet'>,
): Promise<void> {
  // A wallet posting always has its user; only a firm account's cash mirror has none.
  if (!posted.wallet || posted.transaction.userId === null) return;
  await realtime.toUser(posted.transaction.userId, REALTIME_EVENTS.walletUpdated, { wallet: posted.wallet });
}

/**
 * Posts one journal transaction on its own — one ledger transaction, atomic, concurrency-safe per
 * book (the balance row lock), group-committed with other stand-alone postings arriving at the same
 * time — then announces the wallet to its owner (a wallet posting; paper postings announce nothing). Postings that belong to an order's own database
 * transaction go through LedgerRepository.post inside that transaction instead.
 */
@Injectable()
export class PostTransactionUseCase {
  constructor(
    @Inject(LedgerBatchWriter) private readonly batch: LedgerBatchWriter,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
  ) {}

  async execute<B extends LedgerBook>(tx: JournalTransaction<B>): Promise<PostedTransaction<B>> {
    const posted = await this.batch.post(tx);
    await announceWallet(this.realtime, posted);
    return posted;
  }
}
