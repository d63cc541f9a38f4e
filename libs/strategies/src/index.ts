// Context: strategies (docs/architecture.md). Strategy configuration and state; the worker's runner
// turns signals into orders through trading's intake. Depends on platform, identity, market, trading.
import 'reflect-metadata';

export * from './strategies.repository';
export * from './strategy-commands.use-case';
export * from './strategies.module';
