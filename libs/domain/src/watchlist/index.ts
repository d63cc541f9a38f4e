export * from './leg-position';
export * from './exits';
export * from './settings';
export * from './strikes';
export * from './targets';
