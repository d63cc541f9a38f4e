export * from './backtests.schema';
