export * from './leg-position';
export * from './exits';
