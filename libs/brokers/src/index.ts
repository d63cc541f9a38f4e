// Broker adapters: the one interface every broker implements, its helpers (errors, mappings,
// rate limits, polling), and the mock broker. Node only; no framework, database or Redis imports
// (enforced by lint): storage sits behind interfaces that the server contexts implement (libs/trading).
export * from './adapter';
export * from './mock';
export * from './kite';
export * from './upstox';
export * from './openalgo';
export * from './execution';
export * from './reconciliation';
export * from './feed';
