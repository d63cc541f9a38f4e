import { Module } from '@nestjs/common';
import { AccountsModule, CredentialsCipher } from '@tradeloop/accounts';
import { APP_CONFIG, QueueModule, RealtimeModule, type AppConfig } from '@tradeloop/platform';
import { ChannelSecretStore } from './channel-secret-store';
import { NotificationChannelsUseCases } from './channels.use-cases';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationIntake } from './notification-intake';
import { NotificationsRepository } from './notifications.repository';
import { EmailTransport, WebhookTransport } from './transports';

/**
 * Notifications (docs/alerts.md "Notifications"): channels, the in-app notifications and the
 * outbox, the event intake and the dispatcher the worker runs. Events come in through the
 * platform's NotificationEvents port (QueueModule), so no context depends on this one.
 */
@Module({
  // AccountsModule: the EncryptedSecretStores registry ChannelSecretStore joins (the re-encrypt job).
  imports: [AccountsModule, QueueModule, RealtimeModule],
  providers: [
    // The broker credentials key ring encrypts signed webhooks' secrets too (one cipher, one ring to rotate).
    { provide: CredentialsCipher, useFactory: (config: AppConfig) => CredentialsCipher.fromConfig(config), inject: [APP_CONFIG] },
    NotificationsRepository,
    NotificationChannelsUseCases,
    NotificationIntake,
    NotificationDispatcher,
    EmailTransport,
    WebhookTransport,
    ChannelSecretStore,
  ],
  exports: [NotificationsRepository, NotificationChannelsUseCases, NotificationIntake, NotificationDispatcher],
})
export class NotificationsModule {}
