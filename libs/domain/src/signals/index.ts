export * from './signal-rule';
