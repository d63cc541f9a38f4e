// The Kite Connect v3 protocol (docs/brokers.md 1): login and checksums, order forms, envelopes and
// order objects. Pure functions, no I/O; the adapter that sends them is still to come.
export * from './kite-auth';
export * from './kite-prices';
export * from './kite-orders';
export * from './kite-responses';
export * from './kite-ticks';
export * from './kite-session';
// Transport (issue 14, part 5): the REST client, the ticker client and the adapter.
export * from './kite-http';
export * from './kite-ticker.client';
export * from './kite-feed.source';
export * from './kite.adapter';
export * from './kite-gtt';
