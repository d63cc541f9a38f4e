export * from './instruments.schema';
