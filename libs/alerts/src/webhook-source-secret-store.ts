import { Inject, Injectable } from '@nestjs/common';
import { EncryptedSecretStores, type EncryptedSecretStore } from '@tradeloop/accounts';
import { WebhookSourcesRepository } from './webhook-sources.repository';
import { webhookSecretAad } from './webhook-sources.use-cases';

/** Webhook sources' HMAC secrets for the re-encrypt job (docs/architecture.md "Secrets"). */
@Injectable()
export class WebhookSourceSecretStore implements EncryptedSecretStore {
  readonly name = 'webhook_sources';

  constructor(
    @Inject(WebhookSourcesRepository) private readonly repo: WebhookSourcesRepository,
    @Inject(EncryptedSecretStores) stores: EncryptedSecretStores,
  ) {
    stores.register(this);
  }

  async lockStale(...[sql, active, limit, afterId]: Parameters<EncryptedSecretStore['lockStale']>) {
    const rows = await this.repo.lockStaleSecrets(sql, active, limit, afterId);
    return rows.map((r) => ({ id: r.id, secrets: [{ field: 'secret', aad: webhookSecretAad(r.id), stored: r.secret_ciphertext }] }));
  }

  async rewrite(...[sql, row, c, keyId]: Parameters<EncryptedSecretStore['rewrite']>): Promise<void> {
    if (c['secret']) await this.repo.rewriteSecret(sql, row.id, c['secret'], keyId);
  }

  countStale(active: string): Promise<number> {
    return this.repo.countStaleSecrets(active);
  }
}
