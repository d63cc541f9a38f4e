export * from './types';
export * from './fills';
export * from './engine';
export * from './metrics';
export * from './runs';
export * from './thin';
