import { Inject, Injectable } from '@nestjs/common';
import { Db } from '@tradeloop/platform';
import { AuditRepository } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { CredentialsCipher, secretAad } from './credentials-cipher';

export interface ReencryptResult {
  /** Accounts whose secrets were moved to the active key in this run. */
  reencrypted: number;
  /** Accounts whose value could not be decrypted (its key is not in this process's ring): left as they are. */
  failed: number;
  /** Accounts still holding a value under another key (failed ones, or held by a concurrent run). */
  remaining: number;
  activeKeyId: string;
}

/**
 * Key rotation without downtime: every secret not under the active key is decrypted (any key of
 * the ring) and encrypted again under the active one, in batches of `batchSize`, each batch one
 * transaction over rows locked with SKIP LOCKED — so several runs (two API processes, the CLI
 * and the admin endpoint) can go at once without doing a row twice or waiting on each other.
 * Once `remaining` is 0 the old key can leave BROKER_CREDENTIALS_KEYS.
 */
@Injectable()
export class ReencryptBrokerCredentialsUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(opts: { batchSize?: number; actorId?: string | null } = {}): Promise<ReencryptResult> {
    const batchSize = Math.max(1, Math.min(opts.batchSize ?? 100, 1000));
    const active = this.cipher.activeKeyId;
    let total = 0;
    let failed = 0;
    // Walk the ids upwards so a row that cannot be decrypted is passed over, not retried forever.
    let afterId: string | null = null;
    for (;;) {
      const batch: { seen: number; lastId: string | null; done: number; failed: number } = await this.db.tx(async (sql) => {
        const rows = await this.repo.lockStaleSecrets(sql, active, batchSize, afterId);
        let done = 0;
        let bad = 0;
        for (const r of rows) {
          const move = (value: string | null, field: 'credentials' | 'access_token') =>
            value === null || this.cipher.isActive(value)
              ? null
              : this.cipher.encrypt(this.cipher.decrypt(value, secretAad(r.id, field)), secretAad(r.id, field));
          let credentialsCiphertext: string | null;
          let accessTokenCiphertext: string | null;
          try {
            credentialsCiphertext = move(r.credentialsCiphertext, 'credentials');
            accessTokenCiphertext = move(r.accessTokenCiphertext, 'access_token');
          } catch {
            bad += 1;
            continue;
          }
          await this.repo.rewriteSecrets(sql, r.id, { credentialsCiphertext, accessTokenCiphertext, keyId: active });
          done += 1;
        }
        return { seen: rows.length, lastId: rows.at(-1)?.id ?? null, done, failed: bad };
      });
      total += batch.done;
      failed += batch.failed;
      afterId = batch.lastId;
      if (batch.seen < batchSize) break;
    }
    const remaining = await this.repo.countStaleSecrets(active);
    if (total > 0 || failed > 0) {
      await this.audit.append({
        actorId: opts.actorId ?? null,
        action: 'broker_account.credentials_reencrypted',
        subject: null,
        details: { reencrypted: total, failed, remaining, activeKeyId: active },
      });
    }
    return { reencrypted: total, failed, remaining, activeKeyId: active };
  }
}
