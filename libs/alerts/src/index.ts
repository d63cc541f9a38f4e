// Context: alerts (docs/alerts.md). Webhook sources, the signed intake with dedup, deliveries and
// their processing. Depends on platform, identity, market, accounts (and, for orders, trading).
import 'reflect-metadata';

export * from './alerts.module';
export * from './webhook-sources.repository';
export * from './webhook-deliveries.repository';
export * from './webhook-sources.use-cases';
export * from './receive-delivery.use-case';
export * from './deliveries.query';
export * from './process-delivery.use-case';
export * from './source-cache';
export * from './source-rate-limit';
export * from './engine-configs.repository';
export * from './alert-positions.repository';
export * from './market-context.loader';
export * from './exits/alert-exit-evaluator';
export * from './exits/alert-exits.repository';
export * from './exits/alert-exit-notes';
export * from './exits/fire-alert-exit.use-case';
export * from './engines.use-cases';
export * from './engines.module';
export * from './webhook-source-secret-store';
