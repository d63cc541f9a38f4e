import { Module } from '@nestjs/common';
import { InstrumentsRepository } from './instruments.repository';

@Module({ providers: [InstrumentsRepository], exports: [InstrumentsRepository] })
export class MarketModule {}
