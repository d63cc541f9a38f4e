export * from './ledger-hashing';
export * from './ledger.repository';
export * from './ledger-batch-writer';
export * from './ledger-queries';
export * from './ledger-sealer';
export * from './ledger-verifier';
export * from './wallet.use-cases';
export * from './wallet.module';
