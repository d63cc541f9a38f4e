export * from './signal-rule';
export * from './drift';
