import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { Idempotency, RealtimeModule } from '@tradeloop/platform';
import { LedgerBatchWriter } from './ledger-batch-writer';
import { LedgerQueries } from './ledger-queries';
import { LedgerRepository } from './ledger.repository';
import { LedgerSealer } from './ledger-sealer';
import { LedgerVerifier } from './ledger-verifier';
import { FundWalletUseCase, WalletService } from './wallet.use-cases';

const providers = [
  LedgerBatchWriter,
  LedgerRepository,
  LedgerQueries,
  LedgerSealer,
  LedgerVerifier,
  WalletService,
  FundWalletUseCase,
  Idempotency,
];

@Module({ imports: [AuditModule, RealtimeModule], providers, exports: providers })
export class WalletModule {}
