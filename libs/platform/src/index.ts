// Context: platform (docs/architecture.md). Process infrastructure every server context builds on:
// config, logging and metrics, Postgres (pool, SQL helper, migrations), Redis, the job queue,
// realtime fan-out, health, process lifecycle, cursors and idempotency. Depends on no context.
import 'reflect-metadata';

export * from './config';
export * from './observability';
export * from './db';
export * from './redis';
export * from './infra.module';
export * from './queue';
export * from './realtime';
export * from './health';
export * from './common/cursor';
export * from './process';
export * from './idempotency';
export * from './notifications';
