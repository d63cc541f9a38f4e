// Context: market (docs/architecture.md). Instruments, candles (storage, import, binary copy), the
// quote store and live feed, watchlists. Depends on platform.
import 'reflect-metadata';

export * from './instruments.repository';
export * from './instrument-masters';
export * from './instrument-masters.repository';
export * from './import-instrument-master.use-case';
export * from './candles.repository';
export * from './candle-encoding';
export * from './market.module';
export * from './market-queries';
export * from './option-chain.query';
export * from './candle-csv';
export * from './market-wire';
export * from './quotes-store';
export * from './feed';
export * from './history-backfill';
export * from './candle-binary-copy';
export * from './candle-chunks.repository';
export * from './watchlists';
export * from './price-alerts';
