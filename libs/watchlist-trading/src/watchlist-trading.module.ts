import { Module } from '@nestjs/common';
import { AccountsModule } from '@tradeloop/accounts';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { KiteGttSessions, TradingModule } from '@tradeloop/trading';
import { WalletModule } from '@tradeloop/wallet';
import { SettingsRepository } from './settings.repository';
import { TradingSettingsService } from './settings.use-cases';
import { WatchlistTradingRepository } from './watchlist-trading.repository';
import { LegEngine } from './leg-engine';
import { QuickOrderUseCase } from './quick-order.use-case';
import { ConvergeLegUseCase, ListLegsQuery, ListRiskExitsQuery } from './legs.use-cases';
import { FireRiskExitUseCase } from './risk-exits/fire-risk-exit.use-case';
import { LegChangeNotes } from './risk-exits/leg-change-notes';
import { RiskExitsRepository } from './risk-exits/risk-exits.repository';
import { STANDING_EXITS } from './standing-exits.port';
import { StandingExitsRepository } from './standing-exits.repository';
import { KiteStandingExits } from './standing-exits.service';

const USE_CASES = [TradingSettingsService, QuickOrderUseCase, ConvergeLegUseCase, ListLegsQuery, ListRiskExitsQuery, FireRiskExitUseCase];
const PORTS = [SettingsRepository, WatchlistTradingRepository, LegEngine, RiskExitsRepository, LegChangeNotes];
/** Standing exits at the broker (Kite GTT), also under the STANDING_EXITS token the exits and intents call. */
const STANDING = [StandingExitsRepository, KiteGttSessions, KiteStandingExits, { provide: STANDING_EXITS, useExisting: KiteStandingExits }];

/** Watchlist trading (docs/watchlist-trading.md): settings tiers, quick-order intents, legs and their exits. */
@Module({
  imports: [AccountsModule, AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule, WalletModule],
  providers: [...USE_CASES, ...PORTS, ...STANDING],
  exports: [...USE_CASES, ...PORTS, KiteStandingExits, STANDING_EXITS],
})
export class WatchlistTradingModule {}
