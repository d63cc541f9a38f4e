export * from './price-alerts.repository';
export * from './price-alert-notes';
export * from './price-alert-use-cases';
export * from './price-alerts.module';
