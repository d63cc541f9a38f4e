import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { MarketModule } from '../market';
import { QueueModule } from '../queue';
import { RealtimeModule } from '../realtime';
import { TradingModule } from '../trading';
import { StrategiesRepository } from './strategies.repository';
import { StrategyCommandsUseCase } from './strategy-commands.use-case';

/** Strategies: their configuration and state (API), and what the worker's runner reads. */
@Module({
  imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule],
  providers: [StrategiesRepository, StrategyCommandsUseCase],
  exports: [StrategiesRepository, StrategyCommandsUseCase],
})
export class StrategiesModule {}
