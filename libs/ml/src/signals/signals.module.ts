import { Module } from '@nestjs/common';
import { CompareModelSignalsQuery, GetSignalQuery, ListSignalsQuery } from './signal-queries';
import { SignalsRepository } from './signals.repository';

const QUERIES = [ListSignalsQuery, GetSignalQuery, CompareModelSignalsQuery];

/** Stored signals: the reads the API serves, and (a port) the repository the worker's live engine writes through. */
@Module({ providers: [SignalsRepository, ...QUERIES], exports: [...QUERIES, SignalsRepository] })
export class SignalsModule {}
