import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JOBS } from '@tradeloop/contracts';
import {
  nextAttempt,
  rateDecision,
  rateWindow,
  withTelegramToken,
  type NotificationRateLimit,
  type NotificationRetryPolicy,
} from '@tradeloop/domain';
import { CredentialsCipher } from '@tradeloop/accounts';
import { APP_CONFIG, JobProducer, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
import { channelSecretAad } from './channels.use-cases';
import { DELIVER_JOB_OPTIONS, deliverJobId } from './notification-intake';
import { NotificationsRepository, type DeliveryWork } from './notifications.repository';
import { EmailTransport, PermanentSendError, WebhookTransport, type OutgoingNotification } from './transports';

/** How late a queued row's job may be before the sweep queues it again. */
export const SWEEP_GRACE_MS = 120_000;

export type DeliveryOutcome = 'sent' | 'retrying' | 'failed' | 'waiting' | 'skipped';

/**
 * The `notifications.deliver` job: one attempt at sending one outbox row (docs/alerts.md
 * "Notifications"). Under the row's lock: a row already sent or failed, or an attempt other than
 * the next one, is skipped (a duplicate job); over the user's window (NOTIFY_RATE_MAX per
 * NOTIFY_RATE_WINDOW_MS) it waits for the next window; otherwise it sends. A failed send is
 * retried on the domain's backoff schedule (a new job per attempt) until NOTIFY_MAX_ATTEMPTS,
 * then the row is failed with its last error. Only this row waits: an SMTP server that is down
 * holds up emails, nothing else.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly policy: NotificationRetryPolicy;
  private readonly limit: NotificationRateLimit;

  constructor(
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(EmailTransport) private readonly email: EmailTransport,
    @Inject(WebhookTransport) private readonly webhook: WebhookTransport,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.policy = { baseMs: config.NOTIFY_RETRY_BASE_MS, maxMs: config.NOTIFY_RETRY_MAX_MS, maxAttempts: config.NOTIFY_MAX_ATTEMPTS };
    this.limit = { max: config.NOTIFY_RATE_MAX, windowMs: config.NOTIFY_RATE_WINDOW_MS };
  }

  async deliver(deliveryId: string, attempt: number): Promise<DeliveryOutcome> {
    return this.repo.tx(async (sql) => {
      const w = await this.repo.lockDelivery(sql, deliveryId);
      if (!w || w.delivery.status !== 'queued' || w.delivery.attempts !== attempt - 1) return 'skipped';
      const now = Date.now();
      const window = await this.take(w.delivery.user_id, now);
      if (!window.allowed) {
        await this.jobs.enqueue(
          JOBS.deliverNotification,
          { deliveryId, attempt },
          { jobId: deliverJobId(deliveryId, attempt, window.retryAt), delay: Math.max(0, window.retryAt - now), ...DELIVER_JOB_OPTIONS },
        );
        await this.repo.markWaiting(sql, deliveryId, new Date(window.retryAt));
        return 'waiting';
      }
      try {
        await this.send(w);
      } catch (err) {
        const error = describe(err);
        const next = err instanceof PermanentSendError ? ({ retry: false } as const) : nextAttempt(attempt, this.policy);
        if (next.retry) {
          await this.jobs.enqueue(
            JOBS.deliverNotification,
            { deliveryId, attempt: attempt + 1 },
            { jobId: deliverJobId(deliveryId, attempt + 1), delay: next.delayMs, ...DELIVER_JOB_OPTIONS },
          );
        }
        await this.repo.markAttemptFailed(sql, deliveryId, attempt, error, next.retry ? new Date(now + next.delayMs) : null);
        this.logger.warn({ deliveryId, channel: w.channel.kind, attempt, error, retry: next.retry }, 'notification send failed');
        return next.retry ? 'retrying' : 'failed';
      }
      await this.repo.markSent(sql, deliveryId, attempt);
      return 'sent';
    });
  }

  /**
   * Re-queues outbox rows still queued whose job should have run by now (`SWEEP_GRACE_MS` past
   * their next try, or their creation when never tried): a job lost with Redis, or an intake
   * that committed but died before queuing. Safe beside the real job: both run under the row's
   * lock and the second finds the attempt taken. Returns how many were re-queued.
   */
  async sweep(now = Date.now(), limit = 500): Promise<number> {
    const rows = await this.repo.sql.rows<{ id: string; attempts: number }>(
      `SELECT id, attempts FROM notification_deliveries
       WHERE status = 'queued' AND COALESCE(next_attempt_at, created_at) < $1
       ORDER BY COALESCE(next_attempt_at, created_at), id LIMIT $2`,
      [new Date(now - SWEEP_GRACE_MS), limit],
    );
    const minute = Math.floor(now / 60_000);
    for (const r of rows)
      await this.jobs.enqueue(
        JOBS.deliverNotification,
        { deliveryId: r.id, attempt: r.attempts + 1 },
        { jobId: `${deliverJobId(r.id, r.attempts + 1)}_s${minute}`, ...DELIVER_JOB_OPTIONS },
      );
    return rows.length;
  }

  /** Counts this send in the user's fixed window (Redis); over the limit it is not counted and waits. */
  private async take(userId: string, now: number): Promise<{ allowed: true } | { allowed: false; retryAt: number }> {
    const { start } = rateWindow(now, this.limit.windowMs);
    const key = `${this.config.REDIS_PREFIX}:notify:rate:${userId}:${start}`;
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .pexpire(key, this.limit.windowMs * 2)
      .exec()) as [[unknown, number], unknown];
    const d = rateDecision(Number(count), now, this.limit);
    if (!d.allowed) await this.redis.decr(key);
    return d;
  }

  private async send({ notification: n, channel: c }: DeliveryWork): Promise<void> {
    const out: OutgoingNotification = {
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      severity: n.severity,
      createdAt: n.created_at.toISOString(),
    };
    if (c.kind === 'email') return this.email.send(c.target, out);
    const secret = c.secret_ciphertext ? this.cipher.decrypt(c.secret_ciphertext, channelSecretAad(c.id)) : null;
    // Telegram: the stored target has the bot token masked; the decrypted token goes back in (a row from before
    // tokens were encrypted has it in clear until the re-encrypt job moves it).
    if (c.format === 'telegram')
      return this.webhook.send(
        { target: secret ? withTelegramToken(c.target, secret) : c.target, format: 'telegram', chatId: c.chat_id, secret: null },
        out,
      );
    return this.webhook.send({ target: c.target, format: c.format ?? 'signed', chatId: c.chat_id, secret }, out);
  }
}

/** The error as stored and shown (`last_error`): a message, never a stack; the cause when fetch hides it. */
function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const base = e?.message ?? String(err);
  const cause = e?.cause?.code ?? e?.cause?.message;
  const code = e?.code && !base.includes(e.code) ? ` (${e.code})` : '';
  return `${base}${code}${cause && !base.includes(cause) ? `: ${cause}` : ''}`.slice(0, 1_000);
}
