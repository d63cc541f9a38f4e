// Context: watchlist trading (docs/watchlist-trading.md). Six-tier settings, quick-order intents with
// target positions fanned out to accounts, legs and their per-unit exits. Depends on platform,
// identity, wallet, market, accounts, trading.
import 'reflect-metadata';

export * from './watchlist-trading.module';
export * from './standing-exits.port';
export * from './settings.repository';
export * from './settings.use-cases';
export * from './watchlist-trading.repository';
export * from './leg-engine';
export * from './quick-order.use-case';
export * from './legs.use-cases';
export * from './risk-exits/risk-exits.repository';
export * from './risk-exits/fire-risk-exit.use-case';
export * from './risk-exits/leg-change-notes';
export * from './risk-exits/exit-evaluator';
export * from './standing-exits.plan';
export * from './standing-exits.repository';
export * from './standing-exits.service';
