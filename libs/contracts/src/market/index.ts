export * from './instruments.schema';
export * from './candles.schema';
