import { Module } from '@nestjs/common';
import { CandlesRepository } from './candles.repository';
import { QuotesStore } from './quotes-store';
import { CandleChunksRepository } from './candle-chunks.repository';
import { InstrumentsRepository } from './instruments.repository';
import { InstrumentMastersRepository } from './instrument-masters.repository';
import { ImportInstrumentMasterUseCase } from './import-instrument-master.use-case';
import { GetCandlesQuery, SearchInstrumentsQuery } from './market-queries';
import { GetOptionChainQuery } from './option-chain.query';

const QUERIES = [SearchInstrumentsQuery, GetCandlesQuery, GetOptionChainQuery];

/**
 * Ports: market data is read by every context above it — instruments (intake, execution, the feed),
 * candles (the feed writes them; datasets, predictions and strategies read them; compaction rewrites
 * their chunks) and the live quote store (marks, LTPs).
 */
const PORTS = [
  InstrumentsRepository,
  CandlesRepository,
  CandleChunksRepository,
  QuotesStore,
  InstrumentMastersRepository,
  ImportInstrumentMasterUseCase,
];

@Module({ providers: [...QUERIES, ...PORTS], exports: [...QUERIES, ...PORTS] })
export class MarketModule {}
