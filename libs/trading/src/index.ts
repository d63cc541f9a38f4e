// Context: trading (docs/architecture.md). Order intake (validation, pre-trade risk, reservation,
// the per-user intake lock), execution (broker placement, reports, fills, settlement), positions,
// and the risk controls intake enforces (limits, kill switches, risk events: RiskRepository).
// Depends on platform, identity (audit), wallet (ledger postings), market (instruments, quotes)
// and the framework-free broker adapters.
import 'reflect-metadata';

export * from './order-row';
export * from './trading-dtos';
export * from './trading.repository';
export * from './risk.repository';
export * from './intake.read-model';
export * from './order-request';
export * from './intake-lock';
export * from './place-order.use-case';
export * from './square-off';
export * from './trading.module';
export * from './cancel-order.use-case';
export * from './order-queries';
export * from './portfolio-queries';
export * from './portfolio.module';
export * from './ledger-references.query';
export * from './surveillance.repository';
export * from './surveillance.queries';
export * from './execution.service';
export * from './execution-book';
export * from './live-broker-clients';
export * from './live-adapters';
export * from './upstox-webhook.use-case';
export * from './openalgo-live-adapter';
export * from './upstox-live-adapter';
export * from './check-broker-account.use-case';
export * from './broker-account-views.query';
export * from './modify-order.use-case';
export * from './move-paper-holds.use-case';
export * from './hold-book';
export * from './order-history.verifier';
export * from './brokers';
export * from './reconciliation';
export * from './instrument-masters.use-case';
export * from './simulated-listing.use-case';
export * from './kite-gtt-sessions';
