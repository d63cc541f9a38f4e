export * from './broker-accounts.schema';
export * from './broker-views.schema';
