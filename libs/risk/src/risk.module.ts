import { Module } from '@nestjs/common';
import { AuditModule, AuthModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';
import { AutomaticTripUseCase } from './automatic-trip.use-case';
import { RiskMonitorRepository } from './risk-monitor.repository';
import { RiskMonitorService } from './risk-monitor.service';
import { GetAdminKillSwitchesQuery, GetKillSwitchesQuery, GetRiskLimitsQuery, ListRiskEventsQuery } from './risk-queries';
import { SetKillSwitchUseCase } from './set-kill-switch.use-case';
import { SetRiskLimitsUseCase } from './set-risk-limits.use-case';
import { KillSwitchSquareOffRepository, KillSwitchSquareOffUseCase } from './kill-switch-square-off.use-case';
import { SquareOffFollowUp } from './square-off-follow-up';

const USE_CASES = [
  GetRiskLimitsQuery,
  SetRiskLimitsUseCase,
  GetKillSwitchesQuery,
  GetAdminKillSwitchesQuery,
  SetKillSwitchUseCase,
  ListRiskEventsQuery,
  RiskMonitorService,
  AutomaticTripUseCase,
  KillSwitchSquareOffUseCase,
];

/** Risk administration and surveillance, on top of trading (whose intake enforces the limits). */
@Module({
  imports: [AuditModule, AuthModule, MarketModule, QueueModule, RealtimeModule, TradingModule],
  providers: [...USE_CASES, RiskMonitorRepository, KillSwitchSquareOffRepository, SquareOffFollowUp],
  exports: USE_CASES,
})
export class RiskModule {}
