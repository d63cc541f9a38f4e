import { Module } from '@nestjs/common';
import { WatchlistsRepository } from './watchlists.repository';
import {
  AddWatchlistSymbolUseCase,
  CreateWatchlistUseCase,
  DeleteWatchlistUseCase,
  ListWatchlistsUseCase,
  RemoveWatchlistSymbolUseCase,
  RenameWatchlistUseCase,
  ReplaceWatchlistSymbolsUseCase,
} from './watchlist-use-cases';

const USE_CASES = [
  ListWatchlistsUseCase,
  CreateWatchlistUseCase,
  RenameWatchlistUseCase,
  DeleteWatchlistUseCase,
  ReplaceWatchlistSymbolsUseCase,
  AddWatchlistSymbolUseCase,
  RemoveWatchlistSymbolUseCase,
];

@Module({ providers: [WatchlistsRepository, ...USE_CASES], exports: USE_CASES })
export class WatchlistsModule {}
