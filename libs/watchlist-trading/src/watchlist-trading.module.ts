import { Module } from '@nestjs/common';
import { AccountsModule } from '@tradeloop/accounts';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { QueueModule, RealtimeModule } from '@tradeloop/platform';
import { TradingModule } from '@tradeloop/trading';

const USE_CASES: never[] = [];
const PORTS: never[] = [];

/** Watchlist trading (docs/watchlist-trading.md): settings tiers, quick-order intents, legs and their exits. */
@Module({
  imports: [AccountsModule, AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule],
  providers: [...USE_CASES, ...PORTS],
  exports: [...USE_CASES, ...PORTS],
})
export class WatchlistTradingModule {}
