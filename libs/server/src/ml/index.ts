export * from './dataset-arrow';
export * from './dataset-file';
export * from './build-dataset.use-case';
export * from './dataset.module';
export * from './signals';
export * from './registry';
