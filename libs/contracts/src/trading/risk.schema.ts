import { z } from 'zod';
import { trimmedText, orNull } from '../common';

const MoneySchema = z.string().regex(/^\d+\.\d{2}$/);
const MoneyInput = z
  .string()
  .max(20)
  .trim()
  .regex(/^(0|[1-9]\d{0,12})(\.\d{1,2})?$/, 'a rupee amount such as "500000.00"');

/** GET /api/v1/risk/limits — money as rupee strings. */
export const RiskLimitsSchema = z.object({
  maxOrderValue: MoneySchema,
  maxPositionValue: MoneySchema,
  maxOpenOrders: z.number().int(),
  maxDailyLoss: MoneySchema,
  maxOrdersPerMinute: z.number().int(),
  /** How much of the day's best P&L (realized + unrealized) may be given back before the user's switch trips; null = no limit. */
  maxDrawdown: MoneySchema.nullable(),
  /** Whether an automatic trip (max daily loss or max drawdown) also squares off the user's positions. */
  squareOffOnTrip: z.boolean(),
});
export type RiskLimitsDto = z.infer<typeof RiskLimitsSchema>;

export const UpdateRiskLimitsSchema = z.strictObject({
  maxOrderValue: MoneyInput,
  maxPositionValue: MoneyInput,
  maxOpenOrders: z.number().int().min(0).max(10_000),
  maxDailyLoss: MoneyInput,
  maxOrdersPerMinute: z.number().int().min(0).max(100_000),
  /** Optional so that clients written before it existed keep working: absent leaves it as it is. */
  squareOffOnTrip: z.boolean().optional(),
  /** Optional like squareOffOnTrip (absent keeps it); null removes the limit; otherwise a positive amount. */
  maxDrawdown: MoneyInput.nullable().optional(),
});
export type UpdateRiskLimitsRequest = z.infer<typeof UpdateRiskLimitsSchema>;

export const KillSwitchStateSchema = z.object({
  engaged: z.boolean(),
  reason: orNull(z.string(), 'never engaged'),
  at: z.iso.datetime().nullable(),
});
export const KillSwitchStatusSchema = z.object({ global: KillSwitchStateSchema, self: KillSwitchStateSchema });
export type KillSwitchStatus = z.infer<typeof KillSwitchStatusSchema>;

/** GET /api/v1/admin/risk/kill-switch?userId= — the global switch, and the named user's (null without userId). */
export const AdminKillSwitchQuerySchema = z.strictObject({ userId: z.uuid({ message: 'must be a user id (uuid)' }).optional() });
export const AdminKillSwitchStatusSchema = z.object({ global: KillSwitchStateSchema, user: KillSwitchStateSchema.nullable() });
export type AdminKillSwitchStatus = z.infer<typeof AdminKillSwitchStatusSchema>;

/**
 * `squareOff` (default false): with the switch engaged, every covered open position is also squared
 * off by MARKET orders through the normal intake, once per engagement, by the worker
 * (docs/domain.md "Risk").
 */
const squareOffField = z
  .boolean()
  .optional()
  .describe('Also square off every covered open position (MARKET orders, once per engagement); only with engaged: true');

/** The caller may only engage their own switch (disengaging is an admin's call). */
export const EngageOwnKillSwitchSchema = z.strictObject({ engaged: z.literal(true), reason: trimmedText(200), squareOff: squareOffField });
export const AdminKillSwitchSchema = z
  .strictObject({
    scope: z.enum(['global', 'user']),
    userId: z.uuid().optional(),
    engaged: z.boolean(),
    reason: trimmedText(200),
    squareOff: squareOffField,
  })
  .refine((b) => (b.scope === 'user') === (b.userId !== undefined), {
    message: 'userId is required for scope "user" and not allowed for "global"',
    path: ['userId'],
  })
  .refine((b) => b.engaged || b.squareOff !== true, {
    message: 'squareOff is only allowed when engaging the switch',
    path: ['squareOff'],
  });

export const RiskEventSchema = z.object({
  id: z.string(),
  userId: z.uuid().nullable(),
  kind: z.enum(['REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED', 'DRIFT', 'RISK_EXIT']),
  rule: z.string(),
  detail: z.string(),
  orderId: z.uuid().nullable(),
  at: z.iso.datetime(),
});
export type RiskEvent = z.infer<typeof RiskEventSchema>;
export const RiskEventListSchema = z.object({ items: z.array(RiskEventSchema) });

/** `GET /api/v1/risk/events`: `userId` narrows an admin's or compliance's view to one user. */
export const RiskEventsQuerySchema = z.strictObject({ userId: z.uuid('not a user id').optional() });
export type RiskEventsQuery = z.infer<typeof RiskEventsQuerySchema>;
