export * from './timeframes';
export * from './candle';
export * from './candle-aggregator';
export * from './resample';
export * from './aggregate-candles';
export * from './price';
export * from './instruments';
export * from './demo-universe';
