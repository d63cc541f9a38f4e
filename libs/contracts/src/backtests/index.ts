export * from './backtests.schema';
export * from './runs.schema';
