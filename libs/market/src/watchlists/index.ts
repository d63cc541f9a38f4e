export * from './watchlists.repository';
export * from './watchlist-rules';
export * from './watchlist-use-cases';
export * from './watchlists.module';
