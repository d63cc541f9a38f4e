import { z } from 'zod';
import { InstantInputSchema, PageQuerySchema, pageOf, orNull } from '../common';

/** Every security- or money-relevant action the platform records for compliance. */
export const AUDIT_ACTIONS = [
  'auth.registered',
  'auth.register_duplicate',
  'auth.register_throttled',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.login_throttled',
  'auth.logged_out',
  'auth.refresh_reuse_detected',
  'auth.mfa_setup_started',
  'auth.mfa_enabled',
  'auth.mfa_disabled',
  'auth.mfa_disable_failed',
  'auth.password_changed',
  'auth.password_change_failed',
  'user.roles_changed',
  'user.disabled',
  'user.enabled',
  'user.created',
  'user.password_reset',
  'user.mfa_reset',
  'wallet.deposited',
  'wallet.withdrawn',
  'ledger.verified',
  'ledger.exported',
  'audit.exported',
  'surveillance.exported',
  'order.placed',
  'order.cancel_requested',
  'order.modify_requested',
  'risk.order_rejected',
  'risk.killswitch_engaged',
  'risk.killswitch_released',
  'risk.killswitch_square_off_requested',
  'risk.killswitch_squared_off',
  'risk.tripped',
  'risk.limits_updated',
  'risk.exit_fired',
  'market.steered',
  'model.registered',
  'model.stage_changed',
  'strategy.created',
  'strategy.started',
  'strategy.stopped',
  'broker_account.created',
  'broker_account.updated',
  'broker_account.deleted',
  'broker_account.disabled',
  'broker_account.enabled',
  'broker_account.paper_balance_set',
  'broker_account.login_started',
  'broker_account.login_succeeded',
  'broker_account.login_failed',
  'broker_account.needs_login',
  'broker_account.error',
  'broker_account.postback_rejected',
  'broker_account.credentials_reencrypted',
  'order.hold_moved',
  'compliance.reconciliation_run',
  'compliance.case_resolved',
  'compliance.holdings_baseline_captured',
  'instruments.master_imported',
  'instruments.master_import_failed',
  'settings.updated',
  'webhook_source.created',
  'webhook_source.updated',
  'webhook_source.deleted',
  'webhook_source.secret_rotated',
  'alert.exit_fired',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actorId: z.uuid().nullable(),
  action: z.enum(AUDIT_ACTIONS),
  subject: orNull(z.string(), 'the event concerns no single record'),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = PageQuerySchema.extend({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.uuid().optional(),
  from: InstantInputSchema.optional(),
  to: InstantInputSchema.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export const AuditEventPageSchema = pageOf(AuditEventSchema);

/** `GET /api/v1/compliance/audit/export.csv`: the list's filters, every matching event. */
export const AuditExportQuerySchema = AuditQuerySchema.omit({ limit: true, cursor: true }).strict();
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>;
