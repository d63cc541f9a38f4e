// Context: ml (docs/architecture.md). Datasets (Arrow), the model registry, ONNX inference and the
// live signal engine. Depends on platform, identity (audit) and market; never on trading.
import 'reflect-metadata';

export * from './dataset-arrow';
export * from './dataset-file';
export * from './build-dataset.use-case';
export * from './dataset.module';
export * from './signals';
export * from './registry';
