import { Inject, Injectable } from '@nestjs/common';
import {
  CredentialsCipher,
  EncryptedSecretStores,
  type EncryptedSecretStore,
  type StaleSecret,
  type StaleSecretRow,
} from '@tradeloop/accounts';
import { splitTelegramToken } from '@tradeloop/domain';
import { channelSecretAad } from './channels.use-cases';
import { NotificationsRepository } from './notifications.repository';

/**
 * Notification channels' secrets (a signed webhook's key, a Telegram bot token) for the re-encrypt
 * job (docs/architecture.md "Secrets"). A Telegram channel from before tokens were encrypted has
 * its token in clear in the target: the job encrypts it and stores the target masked.
 */
@Injectable()
export class ChannelSecretStore implements EncryptedSecretStore {
  readonly name = 'notification_channels';

  constructor(
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(EncryptedSecretStores) stores: EncryptedSecretStores,
  ) {
    stores.register(this);
  }

  async lockStale(...[sql, active, limit, afterId]: Parameters<EncryptedSecretStore['lockStale']>) {
    const rows = await this.repo.lockStaleSecrets(sql, active, limit, afterId);
    return rows.map((r): StaleSecretRow => {
      const secrets: StaleSecret[] = [];
      if (r.secret_ciphertext !== null) {
        if (CredentialsCipher.keyIdOf(r.secret_ciphertext) !== active)
          secrets.push({ field: 'secret', aad: channelSecretAad(r.id), stored: r.secret_ciphertext });
      } else if (r.format === 'telegram') {
        const split = splitTelegramToken(r.target);
        if (split)
          return {
            id: r.id,
            secrets: [{ field: 'secret', aad: channelSecretAad(r.id), stored: split.token, plaintext: true }],
            carry: { target: split.masked },
          };
      }
      return { id: r.id, secrets };
    });
  }

  async rewrite(...[sql, row, c]: Parameters<EncryptedSecretStore['rewrite']>): Promise<void> {
    if (c['secret']) await this.repo.rewriteSecret(sql, row.id, c['secret'], row.carry?.['target'] ?? null);
  }

  countStale(active: string): Promise<number> {
    return this.repo.countStaleSecrets(active);
  }
}
