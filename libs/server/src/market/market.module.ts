import { Module } from '@nestjs/common';
import { CandlesRepository } from './candles.repository';
import { QuotesStore } from './quotes-store';
import { InstrumentsRepository } from './instruments.repository';

@Module({ providers: [InstrumentsRepository, CandlesRepository, QuotesStore], exports: [InstrumentsRepository, CandlesRepository, QuotesStore] })
export class MarketModule {}
