export * from './queue-connection';
export * from './job-producer';
export * from './job-handler';
export * from './queue.module';
export * from './worker-host';
export * from './order-routing';
