import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type {
  CreatedNotificationChannel,
  CreateNotificationChannel,
  NotificationChannel,
  UpdateNotificationChannel,
} from '@tradeloop/contracts';
import { DomainError, isPrivateHost, splitTelegramToken } from '@tradeloop/domain';
import { CredentialsCipher } from '@tradeloop/accounts';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { NotificationsRepository } from './notifications.repository';

/** Channels one user may have (email and webhooks together). */
export const MAX_CHANNELS_PER_USER = 20;

/** Binds a channel's encrypted secret (a signed webhook's key, a Telegram bot token) to its row: a ciphertext copied elsewhere fails to decrypt. */
export const channelSecretAad = (channelId: string): string => `tradeloop/notification_channels/${channelId}/secret`;

const notFound = () => new DomainError('NOT_FOUND', 'Notification channel not found');

/**
 * A user's email and outgoing webhook channels (docs/api.md "Notifications"). A signed webhook
 * gets a secret made here, shown once in the create response and stored encrypted with the
 * credentials key ring (libs/accounts CredentialsCipher). A Telegram target's bot token
 * (`…/bot<token>/…`) is taken out of the URL and stored the same way; the stored and shown
 * target has it masked (docs/architecture.md "Secrets").
 */
@Injectable()
export class NotificationChannelsUseCases {
  constructor(
    @Inject(NotificationsRepository) private readonly repo: NotificationsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  list(userId: string): Promise<NotificationChannel[]> {
    return this.repo.listChannels(userId);
  }

  async get(userId: string, id: string): Promise<NotificationChannel> {
    const c = await this.repo.channel(userId, id);
    if (!c) throw notFound();
    return c;
  }

  async create(userId: string, body: CreateNotificationChannel): Promise<CreatedNotificationChannel> {
    if (body.kind === 'webhook' && !this.config.NOTIFY_WEBHOOK_PRIVATE_TARGETS && isPrivateHost(new URL(body.target).hostname))
      throw new DomainError('VALIDATION_FAILED', 'Invalid webhook target', {
        fieldErrors: [{ field: 'target', message: 'must be a public address (not this machine or a private network)' }],
      });
    const id = uuidv7();
    const format = body.kind === 'webhook' ? (body.format ?? 'signed') : null;
    const secret = format === 'signed' ? `whsec_${randomBytes(32).toString('base64url')}` : null;
    const telegram = format === 'telegram' ? splitTelegramToken(body.target) : null;
    const stored = secret ?? telegram?.token ?? null;
    const channel = await this.repo.tx(async (sql) => {
      // One creation at a time per user, so the cap holds under concurrent requests.
      await sql.advisoryLock(`notification_channels:${userId}`);
      if ((await this.repo.countChannels(sql, userId)) >= MAX_CHANNELS_PER_USER)
        throw new DomainError('CONFLICT', `At most ${MAX_CHANNELS_PER_USER} notification channels per user; delete one first`);
      await this.repo.insertChannel(sql, {
        id,
        userId,
        kind: body.kind,
        name: body.name ?? defaultName(body.kind, format, body.target),
        target: telegram?.masked ?? body.target,
        format,
        chatId: format === 'telegram' ? (body.chatId ?? null) : null,
        secretCiphertext: stored ? this.cipher.encrypt(stored, channelSecretAad(id)) : null,
        events: body.events,
        enabled: body.enabled ?? true,
      });
      return this.repo.channel(userId, id, sql);
    });
    return { ...channel!, secret };
  }

  async update(userId: string, id: string, patch: UpdateNotificationChannel): Promise<NotificationChannel> {
    const changed = await this.repo.tx((sql) => this.repo.updateChannel(sql, userId, id, patch));
    if (!changed) throw notFound();
    return this.get(userId, id);
  }

  /** The channel and its deliveries (queued ones are never sent). */
  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteChannel(userId, id))) throw notFound();
  }
}

function defaultName(kind: 'email' | 'webhook', format: string | null, target: string): string {
  if (kind === 'email') return `Email ${target}`.slice(0, 100);
  let host = target;
  try {
    host = new URL(target).host;
  } catch {
    // validated before; keep the text
  }
  return `${format === 'telegram' ? 'Telegram' : 'Webhook'} ${host}`.slice(0, 100);
}
