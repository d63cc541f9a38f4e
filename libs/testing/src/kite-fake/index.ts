// A local fake of Zerodha Kite Connect v3 (REST, ticker WebSocket, postbacks) for adapter tests:
// docs/brokers.md 5.
export * from './instruments';
export * from './kite-ticks-encoder';
export * from './kite-fake';
export * from './instrument-map';
