import { Module } from '@nestjs/common';
import { MarketModule } from '@tradeloop/market';
import { GetPnlHistoryQuery, GetPortfolioQuery } from './portfolio-queries';
import { DescribeLedgerReferencesQuery } from './ledger-references.query';
import { TradingModule } from './trading.module';

/** The portfolio's reads (docs/api.md): today's P&L, holdings, the P&L history, and what ledger entries are about. */
@Module({
  imports: [TradingModule, MarketModule],
  providers: [GetPortfolioQuery, GetPnlHistoryQuery, DescribeLedgerReferencesQuery],
  exports: [GetPortfolioQuery, GetPnlHistoryQuery, DescribeLedgerReferencesQuery],
})
export class PortfolioModule {}
