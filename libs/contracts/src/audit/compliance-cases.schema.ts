import { z } from 'zod';
import { COMPLIANCE_CASE_KINDS, type ComplianceCaseKind } from '@tradeloop/domain';
import { orNull, PageQuerySchema, pageOf, trimmedText } from '../common';

/**
 * Compliance cases: what the daily broker reconciliation found (docs/domain.md, "Accounts and
 * books (second wave)"; docs/api.md "Compliance cases"). One per difference per account and IST
 * trading day; a re-run of the day updates the case, never adds one.
 */
export { COMPLIANCE_CASE_KINDS, type ComplianceCaseKind };

export const COMPLIANCE_CASE_STATUSES = ['open', 'resolved'] as const;
export type ComplianceCaseStatus = (typeof COMPLIANCE_CASE_STATUSES)[number];

export const ComplianceCaseSchema = z.object({
  id: z.uuid(),
  kind: z.enum(COMPLIANCE_CASE_KINDS),
  /** `discrepancy`: our books and the broker's disagree; `info`: worth knowing (an order placed outside the platform, a skipped run). */
  severity: z.enum(['discrepancy', 'info']),
  accountId: z.uuid(),
  userId: orNull(z.uuid(), 'the case concerns the account, not one user'),
  /** The IST trading day reconciled. */
  tradingDay: z.iso.date(),
  /** Our order id, the broker's order id (an order placed outside the platform), `SYMBOL:PRODUCT`, `cash` or `session`. */
  subject: z.string(),
  /** What each side said; money as decimal rupee strings. */
  details: z.record(z.string(), z.unknown()),
  status: z.enum(COMPLIANCE_CASE_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  resolvedAt: orNull(z.iso.datetime(), 'still open'),
  resolvedBy: orNull(z.uuid(), 'still open'),
  resolutionNote: orNull(z.string(), 'still open'),
});
export type ComplianceCase = z.infer<typeof ComplianceCaseSchema>;

/** `GET /compliance/cases?status=&accountId=&kind=&from=&to=&limit=&cursor=`, newest first; `from`/`to`: IST trading days, inclusive. */
export const ComplianceCaseQuerySchema = PageQuerySchema.extend({
  status: z.enum(COMPLIANCE_CASE_STATUSES).optional(),
  accountId: z.uuid().optional(),
  kind: z.enum(COMPLIANCE_CASE_KINDS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type ComplianceCaseQuery = z.infer<typeof ComplianceCaseQuerySchema>;
export const ComplianceCasePageSchema = pageOf(ComplianceCaseSchema);

/** `POST /compliance/cases/:id/resolve`. */
export const ResolveComplianceCaseSchema = z.strictObject({
  note: trimmedText(2000),
});
export type ResolveComplianceCaseRequest = z.infer<typeof ResolveComplianceCaseSchema>;

export const ComplianceCaseIdParamSchema = z.strictObject({ id: z.uuid({ message: 'must be a compliance case id (uuid)' }) });
