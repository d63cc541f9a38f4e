export * from './broker-feed';
