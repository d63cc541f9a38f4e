export * from './live-model';
export * from './signals.repository';
export * from './signal-engine';
export * from './signal-queries';
export * from './signals.module';
export * from './tokens';
