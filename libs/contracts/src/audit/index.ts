export * from './audit.schema';
export * from './compliance-cases.schema';
