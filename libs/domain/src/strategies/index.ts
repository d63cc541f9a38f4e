export * from './strategy';
export * from './sma-crossover';
export * from './ml-signal';
export * from './strategy-pnl';
export * from './factory';
