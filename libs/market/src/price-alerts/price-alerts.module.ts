import { Module } from '@nestjs/common';
import { QueueModule } from '@tradeloop/platform';
import { MarketModule } from '../market.module';
import { PriceAlertNotes } from './price-alert-notes';
import { PriceAlertsRepository } from './price-alerts.repository';
import { CreatePriceAlertUseCase, DeletePriceAlertUseCase, FirePriceAlertUseCase, ListPriceAlertsQuery } from './price-alert-use-cases';

const USE_CASES = [CreatePriceAlertUseCase, ListPriceAlertsQuery, DeletePriceAlertUseCase, FirePriceAlertUseCase];

/**
 * Ports: the worker's price alert engine reads the active alerts (PriceAlertsRepository.active)
 * into its book; everything else goes through the use cases.
 */
const PORTS = [PriceAlertsRepository];

@Module({ imports: [MarketModule, QueueModule], providers: [PriceAlertNotes, ...PORTS, ...USE_CASES], exports: [...USE_CASES, ...PORTS] })
export class PriceAlertsModule {}
