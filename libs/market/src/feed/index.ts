export * from './market-data-source';
export * from './simulated-feed.source';
export * from './market-feed';
export * from './market-steering';
