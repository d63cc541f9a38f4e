import { Module } from '@nestjs/common';
import { MarketModule } from '@tradeloop/market';
import { StrategiesModule } from '../strategies.module';
import { RunQueries } from './run-queries';
import { TakeRunSnapshots } from './run-snapshots';
import { StrategyRunsRepository } from './runs.repository';

/** Strategy runs: the API's reads (RunQueries) and the worker's minute snapshots (TakeRunSnapshots). */
@Module({
  imports: [StrategiesModule, MarketModule],
  providers: [StrategyRunsRepository, RunQueries, TakeRunSnapshots],
  exports: [StrategyRunsRepository, RunQueries, TakeRunSnapshots],
})
export class RunsModule {}
