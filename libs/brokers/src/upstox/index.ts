// Upstox API v2 / v3 orders (docs/brokers.md 2): the REST client, the login helpers, order bodies and
// objects, the portfolio-stream client and the adapter.
export * from './upstox-http';
export * from './upstox-auth';
export * from './upstox-orders';
export * from './upstox-portfolio-stream.client';
export * from './upstox.adapter';
export * from './upstox-market-feed';
export * from './upstox-feed.source';
