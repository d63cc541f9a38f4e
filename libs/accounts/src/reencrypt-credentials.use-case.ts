import { Inject, Injectable } from '@nestjs/common';
import { Db } from '@tradeloop/platform';
import { AuditRepository } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { CredentialsCipher, secretAad, type SecretField } from './credentials-cipher';
import { EncryptedSecretStores, type EncryptedSecretStore, type StaleSecret } from './encrypted-secret-stores';

export interface ReencryptResult {
  /** Rows (of every store) whose secrets were moved to the active key in this run. */
  reencrypted: number;
  /** Rows whose value could not be decrypted (its key is not in this process's ring): left as they are. */
  failed: number;
  /** Rows still holding a value under another key (failed ones, or held by a concurrent run). */
  remaining: number;
  activeKeyId: string;
}

/** Broker accounts' credentials and access tokens, through their repository. */
@Injectable()
export class BrokerAccountSecretStore implements EncryptedSecretStore {
  readonly name = 'broker_accounts';

  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(EncryptedSecretStores) stores: EncryptedSecretStores,
  ) {
    stores.register(this);
  }

  async lockStale(...[sql, active, limit, afterId]: Parameters<EncryptedSecretStore['lockStale']>) {
    const rows = await this.repo.lockStaleSecrets(sql, active, limit, afterId);
    const stale = (id: string, field: SecretField, stored: string | null): StaleSecret[] =>
      stored === null || CredentialsCipher.keyIdOf(stored) === active ? [] : [{ field, aad: secretAad(id, field), stored }];
    return rows.map((r) => ({
      id: r.id,
      secrets: [...stale(r.id, 'credentials', r.credentialsCiphertext), ...stale(r.id, 'access_token', r.accessTokenCiphertext)],
    }));
  }

  rewrite(...[sql, row, c, keyId]: Parameters<EncryptedSecretStore['rewrite']>): Promise<void> {
    return this.repo.rewriteSecrets(sql, row.id, {
      credentialsCiphertext: c['credentials'] ?? null,
      accessTokenCiphertext: c['access_token'] ?? null,
      keyId,
    });
  }

  countStale(active: string): Promise<number> {
    return this.repo.countStaleSecrets(active);
  }
}

/**
 * Key rotation without downtime (docs/architecture.md "Secrets"): every value encrypted with the
 * credentials key ring — broker accounts, webhook sources' secrets, notification channels'
 * secrets and Telegram tokens, each table exposed by its context as an EncryptedSecretStore — that
 * is not under the active key is decrypted (any key of the ring) and encrypted again under the
 * active one, in batches of `batchSize`, each batch one transaction over rows locked with SKIP
 * LOCKED — so several runs (two API processes, the CLI and the admin endpoint) can go at once
 * without doing a row twice or waiting on each other. Idempotent and resumable: a run only ever
 * picks rows still off the active key. Once `remaining` is 0 the old key can leave
 * BROKER_CREDENTIALS_KEYS.
 */
@Injectable()
export class ReencryptSecretsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(EncryptedSecretStores) private readonly stores: EncryptedSecretStores,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(opts: { batchSize?: number; actorId?: string | null } = {}): Promise<ReencryptResult> {
    const batchSize = Math.max(1, Math.min(opts.batchSize ?? 100, 1000));
    const active = this.cipher.activeKeyId;
    let total = 0;
    let failed = 0;
    let remaining = 0;
    const perStore: Record<string, { reencrypted: number; failed: number; remaining: number }> = {};
    for (const store of this.stores.list()) {
      const r = await this.run(store, active, batchSize);
      perStore[store.name] = r;
      total += r.reencrypted;
      failed += r.failed;
      remaining += r.remaining;
    }
    if (total > 0 || failed > 0) {
      await this.audit.append({
        actorId: opts.actorId ?? null,
        action: 'broker_account.credentials_reencrypted',
        subject: null,
        details: { reencrypted: total, failed, remaining, activeKeyId: active, stores: perStore },
      });
    }
    return { reencrypted: total, failed, remaining, activeKeyId: active };
  }

  private async run(store: EncryptedSecretStore, active: string, batchSize: number) {
    let total = 0;
    let failed = 0;
    // Walk the ids upwards so a row that cannot be decrypted is passed over, not retried forever.
    let afterId: string | null = null;
    for (;;) {
      const batch: { seen: number; lastId: string | null; done: number; failed: number } = await this.db.tx(async (sql) => {
        const rows = await store.lockStale(sql, active, batchSize, afterId);
        let done = 0;
        let bad = 0;
        for (const r of rows) {
          const next: Record<string, string> = {};
          try {
            for (const s of r.secrets)
              next[s.field] = this.cipher.encrypt(s.plaintext ? s.stored : this.cipher.decrypt(s.stored, s.aad), s.aad);
          } catch {
            bad += 1;
            continue;
          }
          if (Object.keys(next).length === 0) continue;
          await store.rewrite(sql, r, next, active);
          done += 1;
        }
        return { seen: rows.length, lastId: rows.at(-1)?.id ?? null, done, failed: bad };
      });
      total += batch.done;
      failed += batch.failed;
      afterId = batch.lastId;
      if (batch.seen < batchSize) break;
    }
    return { reencrypted: total, failed, remaining: await store.countStale(active) };
  }
}

/** The job's former name (admin endpoint, `npm run brokers:reencrypt`). */
export { ReencryptSecretsUseCase as ReencryptBrokerCredentialsUseCase };
