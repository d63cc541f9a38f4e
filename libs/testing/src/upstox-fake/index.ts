// A local fake of Upstox (REST on two hosts, OAuth2 login, portfolio stream, market feed v3, faults) for adapter tests:
// docs/brokers.md 5.
export * from './upstox-fake';
export * from './instrument-map';
export * from './upstox-market-feed.fake';
