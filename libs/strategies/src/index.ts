// Context: strategies (docs/architecture.md). Strategy configuration and state; the worker's runner
// turns signals into orders through trading's intake. Backtests: stored runs of a strategy over history. Depends on platform, identity, market, trading, ml.
import 'reflect-metadata';

export * from './strategies.repository';
export * from './strategy-params';
export * from './strategy-view';
export * from './strategy-queries';
export * from './create-strategy.use-case';
export * from './set-strategy-running.use-case';
export * from './set-strategy-kill-switch.use-case';
export * from './backtests';
export * from './runs';
export * from './strategies.module';
