export * from './problem.schema';
export * from './pagination.schema';
export * from './text.schema';
export * from './idempotency';
export * from './text-input';
export * from './instant.schema';
