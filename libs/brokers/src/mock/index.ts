export * from './mock-broker-store.port';
export * from './in-memory-mock-broker.store';
export * from './mock-matching';
export * from './mock.broker';
