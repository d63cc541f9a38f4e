import { Module } from '@nestjs/common';
import { MarketModule } from '@tradeloop/market';
import { BuildDatasetUseCase } from './build-dataset.use-case';

/** Training datasets from stored candles (the `ml:dataset` CLI). */
@Module({ imports: [MarketModule], providers: [BuildDatasetUseCase], exports: [BuildDatasetUseCase] })
export class MlDatasetModule {}
