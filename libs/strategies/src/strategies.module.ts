import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';
import { ModelRegistryModule } from '@tradeloop/ml';
import { StrategiesRepository } from './strategies.repository';
import { StrategyCommandsUseCase } from './strategy-commands.use-case';

/** Strategies: their configuration and state (API), and what the worker's runner reads. */
@Module({
  imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule, ModelRegistryModule],
  providers: [StrategiesRepository, StrategyCommandsUseCase],
  exports: [StrategiesRepository, StrategyCommandsUseCase],
})
export class StrategiesModule {}
