export * from './orders.schema';
export * from './risk.schema';
export * from './surveillance.schema';
export * from './portfolio.schema';
