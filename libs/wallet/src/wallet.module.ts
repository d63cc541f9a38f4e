import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { Idempotency, RealtimeModule } from '@tradeloop/platform';
import { LedgerBatchWriter } from './ledger-batch-writer';
import { LedgerQueries } from './ledger-queries';
import { LedgerRepository } from './ledger.repository';
import { LedgerSealer } from './ledger-sealer';
import { LedgerVerifier } from './ledger-verifier';
import { FundWalletUseCase } from './fund-wallet.use-case';
import { PostTransactionUseCase } from './post-transaction.use-case';

const providers = [
  LedgerBatchWriter,
  LedgerRepository,
  LedgerQueries,
  LedgerSealer,
  LedgerVerifier,
  PostTransactionUseCase,
  FundWalletUseCase,
  Idempotency,
];

@Module({ imports: [AuditModule, RealtimeModule], providers, exports: providers })
export class WalletModule {}
