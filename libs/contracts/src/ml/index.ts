export * from './model-card.schema';
export * from './models.schema';
