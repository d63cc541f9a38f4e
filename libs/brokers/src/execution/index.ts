export * from './slice-book';
export * from './execution-book.port';
export * from './order-execution';
