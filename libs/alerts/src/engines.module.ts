import { Module } from '@nestjs/common';
import { MarketModule } from '@tradeloop/market';
import { AlertsModule } from './alerts.module';
import { CompareEnginesQuery, GetEngineConfigQuery, PutEngineConfigUseCase } from './engines.use-cases';

const USE_CASES = [GetEngineConfigQuery, PutEngineConfigUseCase, CompareEnginesQuery];

/** The engines' configuration and comparison (docs/alerts.md "Engines"), over the alerts context's repositories. */
@Module({
  imports: [AlertsModule, MarketModule],
  providers: USE_CASES,
  exports: USE_CASES,
})
export class EnginesModule {}
