export * from './accounts';
export * from './books';
export * from './journal';
export * from './balances';
export * from './canonical';
