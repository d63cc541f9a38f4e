export * from './instruments.repository';
export * from './candles.repository';
export * from './candle-encoding';
export * from './market.module';
export * from './candle-csv';
export * from './market-wire';
export * from './quotes-store';
export * from './feed';
