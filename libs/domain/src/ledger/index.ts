export * from './accounts';
export * from './journal';
export * from './balances';
export * from './canonical';
