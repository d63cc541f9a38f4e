import { Module } from '@nestjs/common';
import { WatchlistsRepository } from './watchlists.repository';
import { WatchlistsService } from './watchlists.service';

@Module({ providers: [WatchlistsRepository, WatchlistsService], exports: [WatchlistsService] })
export class WatchlistsModule {}
