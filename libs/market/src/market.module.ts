import { Module } from '@nestjs/common';
import { CandlesRepository } from './candles.repository';
import { QuotesStore } from './quotes-store';
import { CandleChunksRepository } from './candle-chunks.repository';
import { InstrumentsRepository } from './instruments.repository';

@Module({
  providers: [InstrumentsRepository, CandlesRepository, CandleChunksRepository, QuotesStore],
  exports: [InstrumentsRepository, CandlesRepository, CandleChunksRepository, QuotesStore],
})
export class MarketModule {}
