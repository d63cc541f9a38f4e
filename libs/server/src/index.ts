// Node-only server code shared by api and worker: use cases, repositories, adapters, Nest modules.
import 'reflect-metadata';

export * from './config';
export * from './observability';
export * from './db';
export * from './redis';
export * from './infra.module';
export * from './audit';
export * from './auth';
export * from './users';
export * from './queue';
export * from './realtime';
export * from './health';
export * from './common/cursor';
export * from './process';
export * from './idempotency';
export * from './wallet';
export * from './market';
export * from './watchlists';
export * from './trading';
export * from './brokers';
export * from './ml';
export * from './strategies';
