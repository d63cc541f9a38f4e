/**
 * What a daily broker reconciliation can find (docs/domain.md "Accounts and books (second wave)"),
 * in the order its result lists them: the comparator's difference kinds (libs/brokers), and the
 * compliance cases they become (libs/contracts), which add one of the job's own.
 */
export const RECONCILIATION_DIFFERENCE_KINDS = [
  'ORDER_MISSING_AT_BROKER',
  'BROKER_ORDER_NOT_RECORDED',
  'STATUS_MISMATCH',
  'FILLED_QUANTITY_MISMATCH',
  'TRADES_QUANTITY_MISMATCH',
  'POSITION_MISMATCH',
  'CASH_MISMATCH',
  'EXTERNAL_ORDER',
] as const;
export type ReconciliationDifferenceKind = (typeof RECONCILIATION_DIFFERENCE_KINDS)[number];

/** The differences, plus a run that could not compare (the account needed a login). */
export const COMPLIANCE_CASE_KINDS = [...RECONCILIATION_DIFFERENCE_KINDS, 'RECONCILIATION_SKIPPED'] as const;
export type ComplianceCaseKind = (typeof COMPLIANCE_CASE_KINDS)[number];
