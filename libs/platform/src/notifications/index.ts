export * from './notification-events';
