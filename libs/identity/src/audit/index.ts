export * from './audit.repository';
export * from './list-audit-events.query';
export * from './audit.module';
export * from './export-audit.use-case';
