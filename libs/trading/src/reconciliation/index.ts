export * from './reconciliation.repository';
export * from './reconcile-broker-accounts.use-case';
export * from './compliance-cases.use-cases';
