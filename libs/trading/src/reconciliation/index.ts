export * from './reconciliation.repository';
export * from './reconcile-broker-accounts.use-case';
export * from './compliance-cases.use-cases';
export * from './holdings-baseline.use-cases';
