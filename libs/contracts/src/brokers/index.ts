export * from './broker-accounts.schema';
export * from './broker-views.schema';
export * from './holdings.schema';
