// Context: wallet (docs/architecture.md). The ledger: double-entry postings with group commit,
// the hash chain sealer and verifier, funding, paper books. Depends on platform and identity (audit).
import 'reflect-metadata';

export * from './ledger-hashing';
export * from './ledger.repository';
export * from './ledger-batch-writer';
export * from './ledger-queries';
export * from './ledger-sealer';
export * from './ledger-verifier';
export * from './post-transaction.use-case';
export * from './fund-wallet.use-case';
export * from './set-paper-balance.use-case';
export * from './paper-books';
export * from './ledger-compliance.use-cases';
export * from './wallet.module';
