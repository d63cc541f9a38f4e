import { z } from 'zod';
import {
  NOTIFICATION_CHANNEL_KINDS,
  NOTIFICATION_DELIVERY_STATUSES,
  NOTIFICATION_EVENTS,
  NOTIFICATION_WEBHOOK_FORMATS,
  notificationTargetProblem,
} from '@tradeloop/domain';
import { humanText, orNull, pageOf } from '../common';

/*
 * Notifications (docs/alerts.md "Notifications"; docs/api.md "Notifications"): a user's email and
 * outgoing webhook channels with the events each gets, the in-app notifications (newest first),
 * and each channel's deliveries (queued / sent / failed, attempts, last error).
 */

export const NotificationEventKindSchema = z.enum(NOTIFICATION_EVENTS);

const Events = z
  .array(NotificationEventKindSchema)
  .min(1, 'pick at least one event')
  .max(NOTIFICATION_EVENTS.length)
  .refine((a) => new Set(a).size === a.length, 'events must not repeat');

const Target = z.string().max(2_000).trim();

/** `POST /notifications/channels`. A signed webhook's secret is made by the server and shown once. */
export const CreateNotificationChannelSchema = z
  .strictObject({
    kind: z.enum(NOTIFICATION_CHANNEL_KINDS),
    /** Email: the address; webhook: the URL we POST to (Telegram: `https://api.telegram.org/bot<token>/sendMessage`; the token is stored encrypted and shown masked). */
    target: Target,
    events: Events,
    name: humanText(100).optional(),
    /** Webhooks only: `telegram` ({ chat_id, text }) or `signed` (our JSON, `X-Tradeloop-Signature`). Default `signed`. */
    format: z.enum(NOTIFICATION_WEBHOOK_FORMATS).optional(),
    /** Telegram only: the chat the bot writes to. */
    chatId: z
      .string()
      .trim()
      .regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, 'a numeric chat id or @channelname')
      .optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    const problem = notificationTargetProblem(b.kind, b.target);
    if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
    if (b.kind === 'email' && b.format !== undefined) ctx.addIssue({ code: 'custom', path: ['format'], message: 'only for webhooks' });
    if (b.kind === 'email' && b.chatId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['chatId'], message: 'only for Telegram webhooks' });
    if (b.kind === 'webhook' && b.format === 'telegram' && b.chatId === undefined)
      ctx.addIssue({ code: 'custom', path: ['chatId'], message: 'required for a Telegram webhook' });
    if (b.kind === 'webhook' && b.format !== 'telegram' && b.chatId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['chatId'], message: 'only for Telegram webhooks' });
  });
export type CreateNotificationChannel = z.infer<typeof CreateNotificationChannelSchema>;

/** `PATCH /notifications/channels/{id}`: the events, the name, on / off. The target and kind stay (add a new channel). */
export const UpdateNotificationChannelSchema = z
  .strictObject({
    events: Events.optional(),
    name: humanText(100).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one of events, name, enabled');
export type UpdateNotificationChannel = z.infer<typeof UpdateNotificationChannelSchema>;

export const NotificationDeliveryStatusSchema = z.enum(NOTIFICATION_DELIVERY_STATUSES);

export const NotificationDeliveryStatsSchema = z.object({
  queued: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  lastSentAt: orNull(z.iso.datetime(), 'nothing sent yet'),
  lastError: orNull(z.string(), 'no failure yet'),
});

export const NotificationChannelSchema = z.object({
  id: z.uuid(),
  kind: z.enum(NOTIFICATION_CHANNEL_KINDS),
  name: z.string(),
  target: z.string(),
  format: orNull(z.enum(NOTIFICATION_WEBHOOK_FORMATS), 'an email channel'),
  chatId: orNull(z.string(), 'not a Telegram webhook'),
  events: z.array(NotificationEventKindSchema),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deliveries: NotificationDeliveryStatsSchema,
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

/** The created channel; `secret` (signed webhooks only) is shown this once. */
export const CreatedNotificationChannelSchema = NotificationChannelSchema.extend({
  secret: orNull(z.string(), 'not a signed webhook (nothing to verify)'),
});
export type CreatedNotificationChannel = z.infer<typeof CreatedNotificationChannelSchema>;

export const NotificationChannelListSchema = z.object({ items: z.array(NotificationChannelSchema) });

export const NotificationSchema = z.object({
  id: z.uuid(),
  kind: NotificationEventKindSchema,
  title: z.string(),
  body: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  createdAt: z.iso.datetime(),
  readAt: orNull(z.iso.datetime(), 'unread'),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationPageSchema = pageOf(NotificationSchema).extend({ unread: z.number().int() });
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

/** `POST /notifications/read`: these ids, or every notification up to now when `all`. */
export const MarkNotificationsReadSchema = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'give either ids or all: true');
export type MarkNotificationsRead = z.infer<typeof MarkNotificationsReadSchema>;
export const MarkNotificationsReadResultSchema = z.object({ marked: z.number().int(), unread: z.number().int() });

export const NotificationDeliverySchema = z.object({
  id: z.uuid(),
  notificationId: z.uuid(),
  channelId: z.uuid(),
  kind: NotificationEventKindSchema,
  title: z.string(),
  status: NotificationDeliveryStatusSchema,
  attempts: z.number().int(),
  lastError: orNull(z.string(), 'no failure'),
  nextAttemptAt: orNull(z.iso.datetime(), 'not waiting for a retry'),
  createdAt: z.iso.datetime(),
  sentAt: orNull(z.iso.datetime(), 'not sent yet'),
});
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;
export const NotificationDeliveryPageSchema = pageOf(NotificationDeliverySchema);

/** The facts of an event as the emit job carries them (NotificationFacts in libs/domain). */
const Side = z.enum(['BUY', 'SELL']);
const S = z.string().max(500);
export const NotificationFactsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fill'), symbol: S, side: Side, quantity: z.number(), price: S, orderId: S, complete: z.boolean() }),
  z.strictObject({ kind: z.literal('rejection'), symbol: S, side: Side, quantity: z.number(), reason: S, orderId: S }),
  z.strictObject({ kind: z.literal('risk_trip'), rule: S, reason: S, dayPnl: S, limit: S, squareOff: z.boolean() }),
  z.strictObject({ kind: z.literal('kill_switch'), scope: S, engaged: z.boolean(), reason: S.nullable(), automatic: z.boolean() }),
  z.strictObject({
    kind: z.literal('exit'),
    symbol: S,
    trigger: S,
    quantity: orNull(z.number(), 'not known'),
    price: S.nullable(),
    reason: S,
  }),
  z.strictObject({ kind: z.literal('drift'), model: S, version: S, feature: S, psi: z.number() }),
  z.strictObject({ kind: z.literal('broker_login'), account: S, broker: S, reason: S }),
  z.strictObject({ kind: z.literal('webhook_failure'), source: S, reason: S, deliveryId: S.nullable() }),
  z.strictObject({
    kind: z.literal('price_alert'),
    symbol: S,
    condition: z.enum(['above', 'below']),
    price: S,
    ltp: S,
    note: S.nullable(),
    alertId: S,
  }),
]);

/** Realtime `notification` `{ notification, seq }` (docs/api.md "Realtime"). */
export const NotificationEventSchema = z.object({ notification: NotificationSchema, seq: z.number().int().positive() });
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;
