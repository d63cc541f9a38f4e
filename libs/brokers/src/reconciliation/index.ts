export * from './broker-reconciliation';
