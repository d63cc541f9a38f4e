export * from './types';
export * from './context';
export * from './technical';
export * from './risk';
export * from './orb';
export * from './pattern';
export * from './squeeze';
export * from './ml';
