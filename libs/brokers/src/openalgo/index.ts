// OpenAlgo REST v1 and its order stream (docs/brokers.md 3): the typed client, reply parsers,
// the tagless correlation heuristic and the adapter.
export * from './openalgo-http';
export * from './openalgo-responses';
export * from './openalgo-orders';
export * from './openalgo-correlation';
export * from './openalgo-orders-ws.client';
export * from './openalgo.adapter';
export * from './openalgo-feed.source';
