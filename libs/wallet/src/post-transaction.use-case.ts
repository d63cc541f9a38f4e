import { Inject, Injectable } from '@nestjs/common';
import type { JournalTransaction } from '@tradeloop/domain';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { RealtimePublisher } from '@tradeloop/platform';
import { LedgerBatchWriter } from './ledger-batch-writer';
import type { PostedTransaction } from './ledger.repository';

/** Tells the owner's browser the wallet after a posting (best effort: after the commit). */
export async function announceWallet(realtime: RealtimePublisher, posted: PostedTransaction): Promise<void> {
  await realtime.toUser(posted.transaction.userId, REALTIME_EVENTS.walletUpdated, { wallet: posted.wallet });
}

/**
 * Posts one journal transaction on its own — one ledger transaction, atomic, concurrency-safe per
 * user (the wallet row lock), group-committed with other stand-alone postings arriving at the same
 * time — then announces the wallet to its owner. Postings that belong to an order's own database
 * transaction go through LedgerRepository.post inside that transaction instead.
 */
@Injectable()
export class PostTransactionUseCase {
  constructor(
    @Inject(LedgerBatchWriter) private readonly batch: LedgerBatchWriter,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
  ) {}

  async execute(tx: JournalTransaction): Promise<PostedTransaction> {
    const posted = await this.batch.post(tx);
    await announceWallet(this.realtime, posted);
    return posted;
  }
}
