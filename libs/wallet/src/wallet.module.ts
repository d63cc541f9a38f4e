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
import { SetPaperBalanceUseCase } from './set-paper-balance.use-case';
import { PaperBooks } from './paper-books';
import { ExportLedgerUseCase, GetWalletQuery, VerifyLedgerUseCase } from './ledger-compliance.use-cases';

/** What the API and the worker call: postings, funding, the ledger's reads, sealing and verifying. */
const USE_CASES = [
  PostTransactionUseCase,
  FundWalletUseCase,
  // The owner sets a paper account's virtual balance (the broker accounts' route calls it).
  SetPaperBalanceUseCase,
  GetWalletQuery,
  LedgerQueries,
  VerifyLedgerUseCase,
  ExportLedgerUseCase,
  // The worker's sealing loop.
  LedgerSealer,
];

/**
 * Ports: the ledger itself, for postings inside another context's transaction (an order's hold,
 * a fill's settlement) and the wallet reads that go with them; paper books opened with their
 * starting balance on first use; idempotent request handling, which
 * funding and order intake share.
 */
const PORTS = [LedgerRepository, PaperBooks, Idempotency];

@Module({
  imports: [AuditModule, RealtimeModule],
  providers: [...USE_CASES, ...PORTS, LedgerBatchWriter, LedgerVerifier],
  exports: [...USE_CASES, ...PORTS],
})
export class WalletModule {}
