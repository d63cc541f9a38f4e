export * from './pg-mock-broker.store';
