export * from './env';
export * from './test-context';
