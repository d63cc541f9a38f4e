export * from './env';
export * from './test-context';
export * from './processes';
