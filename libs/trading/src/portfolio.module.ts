import { Module } from '@nestjs/common';
import { MarketModule } from '@tradeloop/market';
import { GetPnlHistoryQuery, GetPortfolioQuery } from './portfolio-queries';
import { TradingModule } from './trading.module';

/** The portfolio's reads (docs/api.md "Portfolio"): today's P&L, holdings, the P&L history. */
@Module({
  imports: [TradingModule, MarketModule],
  providers: [GetPortfolioQuery, GetPnlHistoryQuery],
  exports: [GetPortfolioQuery, GetPnlHistoryQuery],
})
export class PortfolioModule {}
