export * from './instruments.schema';
export * from './candles.schema';
export * from './quotes.schema';
export * from './depth.schema';
export * from './market-stream.schema';
export * from './watchlists.schema';
export * from './market-steering.schema';
export * from './option-chain.schema';
