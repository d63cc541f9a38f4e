export * from './identifiers';
export * from './broker.errors';
export * from './broker-adapter.port';
export * from './instrument.mapper';
export * from './order-terms.mapper';
export * from './status.mapper';
export * from './rate-limiter';
export * from './order-update-poller';
