// Pure domain rules: no framework, database or network imports (enforced by lint).
export * from './errors';
export * from './units';
export * from './access';
export * from './auth';
export * from './money';
export * from './ledger';
export * from './market';
export * from './trading';
export * from './features';
export * from './signals';
export * from './strategies';
export * from './backtest';
export * from './watchlist';
export * from './alerts';
export * from './notifications';
