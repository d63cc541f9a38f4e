export * from './webhooks.schema';
export * from './engines.schema';
