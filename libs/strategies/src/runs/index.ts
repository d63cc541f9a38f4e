export * from './runs.repository';
export * from './run-report';
export * from './run-queries';
export * from './run-snapshots';
export * from './runs.module';
