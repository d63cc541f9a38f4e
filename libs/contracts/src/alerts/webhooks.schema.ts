import { z } from 'zod';
import { ALERT_ENGINES, DELIVERY_STATUSES } from '@tradeloop/domain';
import { orNull, pageOf, humanText } from '../common';

/*
 * Webhook sources and deliveries (docs/alerts.md "Webhook sources", "Intake"; docs/api.md
 * "Webhooks"). A source's secret is in the answer of create and rotate-secret only.
 */

const SymbolSchema = z
  .string()
  .trim()
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9&_.-]{0,39}$/, 'a symbol, e.g. RELIANCE or NIFTY26D0825900CE')
  .transform((s) => s.toUpperCase());

export const WebhookLimitsSchema = z.strictObject({
  /** Deliveries per minute the source accepts (429 above). */
  perMinute: z.number().int().min(1).max(6_000).default(60),
  /** Largest order quantity (units) an alert may ask for. */
  maxQuantity: orNull(z.number().int().min(1).max(10_000_000), 'no limit').default(null),
  /** Most positions the source's alerts may have open at once. */
  maxOpenPositions: orNull(z.number().int().min(1).max(1_000), 'no limit').default(null),
});
export type WebhookLimits = z.infer<typeof WebhookLimitsSchema>;

/** PATCH: only the limits given change (null clears maxQuantity / maxOpenPositions). */
export const WebhookLimitsPatchSchema = z.strictObject({
  perMinute: z.number().int().min(1).max(6_000).optional(),
  maxQuantity: orNull(z.number().int().min(1).max(10_000_000), 'no limit').optional(),
  maxOpenPositions: orNull(z.number().int().min(1).max(1_000), 'no limit').optional(),
});

const AccountIdsSchema = z
  .array(z.uuid('must be a broker account id'))
  .min(1)
  .max(20)
  .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'accounts must not repeat');
const SymbolsSchema = z
  .array(SymbolSchema)
  .min(1)
  .max(500)
  .refine((a) => new Set(a).size === a.length, 'symbols must not repeat');
const SplitSchema = z
  .number()
  .min(0)
  .max(100)
  .refine((n) => Number.isInteger(Math.round(n * 100)) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, 'at most two decimals');

export const CreateWebhookSchema = z.strictObject({
  name: humanText(100),
  /** `split`: percent of deliveries routed to engine A (the rest to B). */
  engine: z.strictObject({ split: SplitSchema }),
  accountIds: AccountIdsSchema,
  /** Allowed symbols; absent: any instrument we know. */
  symbols: SymbolsSchema.optional(),
  limits: WebhookLimitsSchema.optional(),
  /** The weaker, opt-in mode for senders that cannot sign (TradingView): a `passphrase` field in the body. */
  passphrase: z.boolean().default(false),
});
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;

export const PatchWebhookSchema = z
  .strictObject({
    name: humanText(100).optional(),
    engine: z.strictObject({ split: SplitSchema }).optional(),
    accountIds: AccountIdsSchema.optional(),
    /** null: any instrument again. */
    symbols: orNull(SymbolsSchema, 'any instrument').optional(),
    limits: WebhookLimitsPatchSchema.optional(),
    /** Turning it on issues a new passphrase (in the answer, once); off forgets it. */
    passphrase: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type PatchWebhook = z.infer<typeof PatchWebhookSchema>;

export const WebhookSourceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Where alerts are sent: `/api/v1/hooks/<id>`. */
  url: z.string(),
  engine: z.object({ split: z.number() }),
  accountIds: z.array(z.uuid()),
  symbols: orNull(z.array(z.string()), 'any instrument'),
  limits: z.object({
    perMinute: z.number().int(),
    maxQuantity: orNull(z.number().int(), 'no limit'),
    maxOpenPositions: orNull(z.number().int(), 'no limit'),
  }),
  /** Passphrase mode on: weaker than signatures (anyone who sees one alert can send more). */
  passphrase: z.boolean(),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookSourceDto = z.infer<typeof WebhookSourceSchema>;

/** Create and rotate-secret: the source with its secret (and passphrase, in passphrase mode), shown this once. */
export const WebhookSourceWithSecretSchema = WebhookSourceSchema.extend({
  secret: z.string(),
  passphraseValue: orNull(z.string(), 'passphrase mode is off, or the passphrase was not changed').optional(),
});
export type WebhookSourceWithSecretDto = z.infer<typeof WebhookSourceWithSecretSchema>;

/** PATCH: the source, and the new passphrase when the change turned passphrase mode on (shown this once). */
export const PatchWebhookResponseSchema = WebhookSourceSchema.extend({
  passphraseValue: orNull(z.string(), 'passphrase mode was not turned on by this change').optional(),
});

export const WebhookSourceListSchema = z.object({ items: z.array(WebhookSourceSchema) });

export const DeliveryStepSchema = z.object({
  step: z.enum(DELIVERY_STATUSES),
  at: z.iso.datetime(),
  /** ok, or what ended the delivery (rejected, duplicate). */
  outcome: z.enum(['ok', 'rejected', 'duplicate']),
  detail: orNull(z.string(), 'nothing to add'),
  /** Milliseconds since the delivery was received. */
  elapsedMs: z.number(),
});

export const WebhookDeliverySchema = z.object({
  id: z.uuid(),
  sourceId: z.uuid(),
  receivedAt: z.iso.datetime(),
  status: z.enum(DELIVERY_STATUSES),
  httpStatus: z.number().int(),
  rejectReason: orNull(z.string(), 'not rejected'),
  duplicateOf: orNull(z.uuid(), 'not a duplicate'),
  alertId: orNull(z.string(), 'the alert has no alert_id'),
  bodySha256: orNull(z.string(), 'the body was not a valid alert'),
  /** The body as received (bounded; the passphrase removed). */
  rawBody: z.string(),
  rawBodyTruncated: z.boolean(),
  payload: orNull(z.record(z.string(), z.unknown()), 'the body was not a valid alert'),
  engine: orNull(z.enum(ALERT_ENGINES), 'not routed yet'),
  decision: orNull(z.record(z.string(), z.unknown()), 'not decided yet'),
  shadowDecision: orNull(z.record(z.string(), z.unknown()), 'not decided yet'),
  orderIds: z.array(z.uuid()),
  steps: z.array(DeliveryStepSchema),
});
export type WebhookDeliveryDto = z.infer<typeof WebhookDeliverySchema>;
export const WebhookDeliveryPageSchema = pageOf(WebhookDeliverySchema);

/** The intake's answers: 202 accepted, 200 a duplicate naming the original. */
export const HookAcceptedSchema = z.object({ deliveryId: z.uuid() });
export const HookDuplicateSchema = z.object({ deliveryId: z.uuid(), duplicateOf: z.uuid() });

/** A number, or the same as a string (TradingView substitutes placeholders into strings). */
const NumberOrText = z.union([z.number().meta({ description: 'a number' }), z.string().meta({ description: 'a numeric string' })]);

/** The documented alert body (docs/alerts.md; parsed by the domain's parseAlertPayload, which is the authority). */
export const AlertPayloadDocSchema = z.object({
  symbol: z.string().optional(),
  ticker: z.string().optional().meta({ description: 'TradingView {{ticker}}, e.g. "NSE:RELIANCE"' }),
  exchange: z.string().optional(),
  action: z.string().optional().meta({ description: 'buy | sell | exit (also long, short, close, flat)' }),
  direction: z.string().optional(),
  market_position: z.string().optional(),
  price: NumberOrText.optional(),
  quantity: NumberOrText.optional(),
  contracts: NumberOrText.optional(),
  lots: NumberOrText.optional(),
  strategy: z.string().optional(),
  tags: z.array(z.string()).optional(),
  alert_id: z.string().optional(),
  passphrase: z.string().optional(),
  interval: z.string().optional(),
  time: z.string().optional(),
  timenow: z.string().optional(),
  comment: z.string().optional(),
});
