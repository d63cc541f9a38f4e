export * from './timeframes';
export * from './candle';
export * from './candle-aggregator';
export * from './resample';
