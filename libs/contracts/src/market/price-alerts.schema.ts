import { z } from 'zod';
import { PRICE_ALERT_CONDITIONS, PRICE_ALERT_STATUSES } from '@tradeloop/domain';
import { humanText, orNull, trimmedText } from '../common';
import { PriceSchema } from './instruments.schema';

/*
 * Price alerts (docs/api.md "Price alerts", docs/alerts.md "Price alerts"): a signed-in user's
 * levels on symbols; each fires once when the live price reaches it, and becomes a notification.
 */

export const PRICE_ALERT_NOTE_MAX = 200;

/** `POST /price-alerts`. The price is checked against the instrument's tick after the schema. */
export const CreatePriceAlertSchema = z.strictObject({
  symbol: trimmedText(40),
  condition: z.enum(PRICE_ALERT_CONDITIONS),
  /** A decimal string on the instrument's tick ("2500.05"); numbers are refused. */
  price: z.string().max(20).trim(),
  note: humanText(PRICE_ALERT_NOTE_MAX).optional(),
});
export type CreatePriceAlert = z.infer<typeof CreatePriceAlertSchema>;

export const PriceAlertSchema = z.object({
  id: z.uuid(),
  symbol: z.string(),
  condition: z.enum(PRICE_ALERT_CONDITIONS),
  price: PriceSchema,
  note: orNull(z.string(), 'no note'),
  status: z.enum(PRICE_ALERT_STATUSES),
  createdAt: z.iso.datetime(),
  triggeredAt: orNull(z.iso.datetime(), 'not triggered'),
  /** The live price that reached the level. */
  triggerPrice: orNull(PriceSchema, 'not triggered'),
});
export type PriceAlert = z.infer<typeof PriceAlertSchema>;

export const PriceAlertListSchema = z.object({ items: z.array(PriceAlertSchema) });
export type PriceAlertList = z.infer<typeof PriceAlertListSchema>;
