import { Module } from '@nestjs/common';
import { SignalQueriesUseCase } from './signal-queries.use-case';
import { SignalsRepository } from './signals.repository';

/** Stored signals: the repository the live engine writes through, and the reads the API serves. */
@Module({ providers: [SignalsRepository, SignalQueriesUseCase], exports: [SignalsRepository, SignalQueriesUseCase] })
export class SignalsModule {}
