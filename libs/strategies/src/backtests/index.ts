export * from './backtests.repository';
export * from './backtest-use-cases';
