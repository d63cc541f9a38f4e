export * from './dataset-arrow';
export * from './build-dataset.use-case';
export * from './dataset.module';
