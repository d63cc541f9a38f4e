export * from './webhooks.schema';
