import { Module } from '@nestjs/common';
import { AccountsModule } from '@tradeloop/accounts';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';
import { SettingsRepository } from './settings.repository';
import { TradingSettingsService } from './settings.use-cases';
import { WatchlistTradingRepository } from './watchlist-trading.repository';
import { LegEngine } from './leg-engine';
import { QuickOrderUseCase } from './quick-order.use-case';
import { ConvergeLegUseCase, ListLegsQuery, ListRiskExitsQuery } from './legs.use-cases';
import { FireRiskExitUseCase } from './risk-exits/fire-risk-exit.use-case';
import { LegChangeNotes } from './risk-exits/leg-change-notes';
import { RiskExitsRepository } from './risk-exits/risk-exits.repository';

const USE_CASES = [TradingSettingsService, QuickOrderUseCase, ConvergeLegUseCase, ListLegsQuery, ListRiskExitsQuery, FireRiskExitUseCase];
const PORTS = [SettingsRepository, WatchlistTradingRepository, LegEngine, RiskExitsRepository, LegChangeNotes];

/** Watchlist trading (docs/watchlist-trading.md): settings tiers, quick-order intents, legs and their exits. */
@Module({
  imports: [AccountsModule, AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule],
  providers: [...USE_CASES, ...PORTS],
  exports: [...USE_CASES, ...PORTS],
})
export class WatchlistTradingModule {}
