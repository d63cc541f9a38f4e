import { Module } from '@nestjs/common';
import { CandlesRepository } from './candles.repository';
import { InstrumentsRepository } from './instruments.repository';

@Module({ providers: [InstrumentsRepository, CandlesRepository], exports: [InstrumentsRepository, CandlesRepository] })
export class MarketModule {}
