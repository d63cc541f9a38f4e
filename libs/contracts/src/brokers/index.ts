export * from './broker-accounts.schema';
