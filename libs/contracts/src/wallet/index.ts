export * from './wallet.schema';
