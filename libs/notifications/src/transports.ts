import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { isPrivateHost, notificationSignatureBase, notificationWebhookBody, type NotificationWebhookFormat } from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';

/** What a send needs to know about the notification. */
export interface OutgoingNotification {
  id: string;
  kind: Parameters<typeof notificationWebhookBody>[1]['kind'];
  title: string;
  body: string;
  severity: string;
  createdAt: string;
}

/** The signature header of a signed outgoing webhook: `sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body). */
export const SIGNATURE_HEADER = 'X-Tradeloop-Signature';
/** Unix seconds the signature covers; receivers refuse old ones (replays). */
export const TIMESTAMP_HEADER = 'X-Tradeloop-Timestamp';

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(notificationSignatureBase(timestampSeconds, body)).digest('hex')}`;
}

/** A send that retrying cannot fix (a target that is not allowed): the delivery fails at once. */
export class PermanentSendError extends Error {}

/** Email over SMTP (`SMTP_URL`), one pooled transport per process. */
@Injectable()
export class EmailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const timeout = config.NOTIFY_SEND_TIMEOUT_MS;
    this.transporter = createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 2,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    } as Parameters<typeof createTransport>[0]);
  }

  async send(to: string, n: OutgoingNotification): Promise<void> {
    await this.transporter.sendMail({
      from: this.config.SMTP_FROM,
      to,
      subject: n.title,
      text: `${n.body}\n\n— Tradeloop (${n.kind}, ${n.createdAt})`,
      headers: { 'X-Tradeloop-Notification': n.id },
      messageId: `<${n.id}.${to.replace(/[^A-Za-z0-9.-]/g, '_')}@tradeloop.notifications>`,
    });
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

/** Outgoing webhooks: a Telegram bot's sendMessage, or our JSON signed with the channel's secret. */
@Injectable()
export class WebhookTransport {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(
    channel: { target: string; format: NotificationWebhookFormat; chatId: string | null; secret: string | null },
    n: OutgoingNotification,
    now = Date.now(),
  ): Promise<void> {
    if (!this.config.NOTIFY_WEBHOOK_PRIVATE_TARGETS) await this.refusePrivate(channel.target);
    const body = notificationWebhookBody(channel.format, n, channel.chatId);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tradeloop-notifications/1' };
    if (channel.format === 'signed') {
      if (!channel.secret) throw new Error('signed webhook without a secret');
      const ts = Math.floor(now / 1000);
      headers[TIMESTAMP_HEADER] = String(ts);
      headers[SIGNATURE_HEADER] = signWebhook(channel.secret, ts, body);
    }
    const res = await fetch(channel.target, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.config.NOTIFY_SEND_TIMEOUT_MS),
    });
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    if (channel.format === 'telegram') {
      // Telegram answers { ok: false, description } on a refusal, even when the status is 2xx.
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: the status said yes.
      }
      if (parsed && typeof parsed === 'object' && (parsed as { ok?: unknown }).ok === false)
        throw new Error(`Telegram refused: ${String((parsed as { description?: unknown }).description ?? 'no reason')}`.slice(0, 300));
    }
  }

  /** The target's host, and every address its name resolves to now, must be public (NOTIFY_WEBHOOK_PRIVATE_TARGETS). */
  private async refusePrivate(target: string): Promise<void> {
    const host = new URL(target).hostname;
    if (isPrivateHost(host)) throw new PermanentSendError(`refused: ${host} is not a public address`);
    const addresses = await lookup(host.replace(/^\[|\]$/g, ''), { all: true, verbatim: true });
    const inside = addresses.find((a) => isPrivateHost(a.address));
    if (inside) throw new PermanentSendError(`refused: ${host} resolves to ${inside.address}, not a public address`);
  }
}
