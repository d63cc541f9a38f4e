import { Module } from '@nestjs/common';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';
import { AutomaticTripUseCase } from './automatic-trip.use-case';
import { RiskMonitorRepository } from './risk-monitor.repository';
import { RiskMonitorService } from './risk-monitor.service';
import { RiskUseCases } from './risk.use-cases';

const PROVIDERS = [RiskUseCases, RiskMonitorRepository, RiskMonitorService, AutomaticTripUseCase];

/** Risk administration and surveillance, on top of trading (whose intake enforces the limits). */
@Module({ imports: [AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule], providers: PROVIDERS, exports: PROVIDERS })
export class RiskModule {}
