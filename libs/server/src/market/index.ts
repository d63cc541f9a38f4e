export * from './instruments.repository';
export * from './candles.repository';
export * from './candle-encoding';
export * from './market.module';
export * from './candle-csv';
