export * from './streaming';
export * from './indicators';
export * from './chart-indicators';
export * from './calendar';
export * from './feature-set';
export * from './feature-state';
export * from './feature-engine';
export * from './dataset';
