export * from './watchlist-trading.schema';
