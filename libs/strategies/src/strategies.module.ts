import { Module } from '@nestjs/common';
import { AccountsModule } from '@tradeloop/accounts';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';
import { ModelRegistryModule, SignalsModule } from '@tradeloop/ml';
import { StrategiesRepository } from './strategies.repository';
import { CreateStrategyUseCase } from './create-strategy.use-case';
import { SetStrategyKillSwitchUseCase } from './set-strategy-kill-switch.use-case';
import { SetStrategyRunningUseCase } from './set-strategy-running.use-case';
import { GetStrategyQuery, ListStrategiesQuery } from './strategy-queries';
import { StrategyView } from './strategy-view';
import {
  BacktestEquityQuery,
  CancelBacktestUseCase,
  CreateBacktestUseCase,
  GetBacktestQuery,
  ListBacktestsQuery,
  ListBacktestTradesQuery,
} from './backtests/backtest-use-cases';
import { BacktestsRepository } from './backtests/backtests.repository';

const USE_CASES = [
  CreateStrategyUseCase,
  SetStrategyRunningUseCase,
  SetStrategyKillSwitchUseCase,
  ListStrategiesQuery,
  GetStrategyQuery,
  CreateBacktestUseCase,
  GetBacktestQuery,
  ListBacktestsQuery,
  ListBacktestTradesQuery,
  BacktestEquityQuery,
  CancelBacktestUseCase,
];

/**
 * Ports: the strategy store (the worker's runner reads running strategies and records their
 * errors), the strategy view (the runner announces a strategy in the API shape), and the
 * backtest store (the worker's backtest job).
 */
const PORTS = [StrategiesRepository, StrategyView, BacktestsRepository];

/** Strategies: their configuration and state (API), and what the worker's runner reads. */
@Module({
  imports: [AccountsModule, AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule, ModelRegistryModule, SignalsModule],
  providers: [...USE_CASES, ...PORTS],
  exports: [...USE_CASES, ...PORTS],
})
export class StrategiesModule {}
