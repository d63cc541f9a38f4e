export * from './orders.schema';
export * from './risk.schema';
