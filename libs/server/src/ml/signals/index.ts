export * from './live-model';
export * from './signals.repository';
export * from './signal-engine';
