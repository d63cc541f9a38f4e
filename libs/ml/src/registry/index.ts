export * from './model-artifacts';
export * from './onnx-model';
export * from './models.repository';
export * from './inference.service';
export * from './register-model.use-case';
export * from './promote-model.use-case';
export * from './predict.use-case';
export * from './registry.module';
