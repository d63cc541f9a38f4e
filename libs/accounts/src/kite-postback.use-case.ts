import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { JOBS } from '@tradeloop/contracts';
import { verifyKitePostback } from '@tradeloop/brokers';
import { JobProducer } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { CredentialsCipher, secretAad } from './credentials-cipher';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * `POST /brokers/kite/postback` (no bearer: Kite posts JSON). The postback names Kite's user
 * (`user_id`), not our account: the account is the Kite account logged in as that user whose
 * api_secret verifies the checksum `SHA-256(order_id + order_timestamp + api_secret)`
 * (docs/brokers.md 1.4). No such account, or no checksum that verifies → 401 and an audit event;
 * no order state is touched. A good one is handed to the worker as a `brokerUpdate` job (deduped
 * on account, order and checksum, so Kite retrying the same postback makes one job).
 */
@Injectable()
export class ReceiveKitePostbackUseCase {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  async execute(body: unknown, meta: RequestMeta = {}): Promise<{ accountId: string }> {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const brokerUserId = text(fields.user_id);
    const candidates = brokerUserId ? await this.repo.kiteAccountsOfBrokerUser(brokerUserId) : [];
    for (const account of candidates) {
      if (!account.credentialsCiphertext) continue;
      const { apiSecret } = JSON.parse(this.cipher.decrypt(account.credentialsCiphertext, secretAad(account.id, 'credentials'))) as {
        apiSecret: string;
      };
      if (verifyKitePostback(body, apiSecret)) {
        const digest = createHash('sha256')
          .update(
            `${account.id}|${text(fields.order_id)}|${text(fields.checksum)}|${text(fields.status)}|${String(fields.filled_quantity)}`,
          )
          .digest('hex')
          .slice(0, 32);
        await this.jobs.enqueue(
          JOBS.brokerUpdate,
          { accountId: account.id, source: 'kite-postback', body: fields },
          { jobId: `broker-update_${digest}` },
        );
        return { accountId: account.id };
      }
    }
    await this.audit.append({
      actorId: null,
      action: 'broker_account.postback_rejected',
      subject: candidates.length === 1 ? candidates[0]!.id : null,
      details: {
        reason: candidates.length === 0 ? 'no Kite account is logged in as this user' : 'checksum does not verify',
        brokerUserId,
        orderId: text(fields.order_id),
      },
      meta,
    });
    throw new DomainError('UNAUTHENTICATED', 'Postback checksum does not verify');
  }
}
