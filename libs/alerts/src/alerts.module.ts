import { Module } from '@nestjs/common';
import { AccountsModule, CredentialsCipher } from '@tradeloop/accounts';
import { AuditModule } from '@tradeloop/identity';
import { MarketModule } from '@tradeloop/market';
import { SignalsModule } from '@tradeloop/ml';
import { TradingModule } from '@tradeloop/trading';
import { APP_CONFIG, QueueModule, RealtimeModule, type AppConfig } from '@tradeloop/platform';
import { AlertPositionsRepository } from './alert-positions.repository';
import { ListDeliveriesQuery } from './deliveries.query';
import { AlertExitNotes } from './exits/alert-exit-notes';
import { AlertExitsRepository } from './exits/alert-exits.repository';
import { FireAlertExitUseCase } from './exits/fire-alert-exit.use-case';
import { EngineConfigsRepository } from './engine-configs.repository';
import { MarketContextLoader } from './market-context.loader';
import { ProcessDeliveryUseCase } from './process-delivery.use-case';
import { ReceiveDeliveryUseCase } from './receive-delivery.use-case';
import { SourceCache } from './source-cache';
import { SourceRateLimit } from './source-rate-limit';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSourcesRepository } from './webhook-sources.repository';
import { WebhookSourcesService } from './webhook-sources.use-cases';
import { WebhookSourceSecretStore } from './webhook-source-secret-store';

const USE_CASES = [WebhookSourcesService, ReceiveDeliveryUseCase, ListDeliveriesQuery, ProcessDeliveryUseCase, FireAlertExitUseCase];
const PORTS = [
  WebhookSourcesRepository,
  WebhookDeliveriesRepository,
  SourceCache,
  SourceRateLimit,
  EngineConfigsRepository,
  AlertPositionsRepository,
  MarketContextLoader,
  AlertExitsRepository,
  AlertExitNotes,
];
/** Sources' secrets are encrypted like broker credentials: the same cipher and key ring (BROKER_CREDENTIALS_KEYS). */
const CIPHER = {
  provide: CredentialsCipher,
  useFactory: (config: AppConfig) => CredentialsCipher.fromConfig(config),
  inject: [APP_CONFIG],
};

/** Alert-driven trading (docs/alerts.md): webhook sources, the intake and the delivery's processing. */
@Module({
  imports: [AccountsModule, AuditModule, MarketModule, QueueModule, RealtimeModule, TradingModule, SignalsModule],
  // WebhookSourceSecretStore registers sources' secrets with the re-encrypt job (AccountsModule's EncryptedSecretStores).
  providers: [...USE_CASES, ...PORTS, CIPHER, WebhookSourceSecretStore],
  exports: [...USE_CASES, ...PORTS],
})
export class AlertsModule {}
