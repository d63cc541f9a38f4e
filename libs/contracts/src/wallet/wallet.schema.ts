import { z } from 'zod';
import { BOOK_KINDS, ENTRY_TYPES, MONEY_PROBLEM_MESSAGES, TRANSACTION_TYPES, tryParsePositiveMoney } from '@tradeloop/domain';
import { humanText, InstantInputSchema, PageQuerySchema, pageOf, orNull } from '../common';

/** A money amount as the API carries it: a decimal string with 2 places, e.g. "1500.00". */
export const MoneySchema = z.string().regex(/^-?\d+\.\d{2}$/);

/** A client-entered positive amount: strict decimal string (see domain/money). */
export const PositiveAmountSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const r = tryParsePositiveMoney(value);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: MONEY_PROBLEM_MESSAGES[r.problem] });
  })
  .transform((v) => v as string)
  .meta({ type: 'string', example: '1500.00' });

export const WalletSchema = z.object({
  currency: z.literal('INR'),
  available: MoneySchema,
  held: MoneySchema,
  total: MoneySchema,
});
export type Wallet = z.infer<typeof WalletSchema>;

export const EntryTypeSchema = z.enum(ENTRY_TYPES);
export const TransactionTypeSchema = z.enum(TRANSACTION_TYPES);

export const LedgerEntrySchema = z.object({
  id: z.string(),
  transactionId: z.uuid(),
  account: z.string(),
  type: EntryTypeSchema,
  /** Signed from the account's point of view. */
  amount: MoneySchema,
  /** The account's balance after this entry (user accounts only). */
  balanceAfter: MoneySchema.nullable(),
  reference: z.string(),
  createdAt: z.iso.datetime(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** The order an entry belongs to (its hold, release or move; `fill` for the settlement of one of its fills). */
export const EntryOrderSchema = z.object({
  orderId: z.uuid(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  /** The order's quantity, in units. */
  quantity: z.number().int(),
  fill: z.object({ quantity: z.number().int(), price: z.string() }).nullable(),
});
export type EntryOrder = z.infer<typeof EntryOrderSchema>;

/** A listed entry: the entry and, for an order's entries, the order it is about (null otherwise). */
export const ListedLedgerEntrySchema = LedgerEntrySchema.extend({ order: EntryOrderSchema.nullable() });
export type ListedLedgerEntry = z.infer<typeof ListedLedgerEntrySchema>;
export const LedgerEntryPageSchema = pageOf(ListedLedgerEntrySchema);

export const LedgerTransactionSchema = z.object({
  id: z.uuid(),
  type: TransactionTypeSchema,
  /** The user whose book it is; null only for a firm account's cash mirror, which has no owner. */
  userId: z.uuid().nullable(),
  reference: z.string(),
  createdAt: z.iso.datetime(),
  /** sha256 of the canonical transaction, hex. */
  contentHash: z.string(),
  /** Position in the hash chain and the chain hash, once sealed (null for a few ms after commit). */
  seq: orNull(z.string(), 'not yet sealed into the chain'),
  chainHash: orNull(z.string(), 'not yet sealed into the chain'),
  prevChainHash: orNull(z.string(), 'first in the chain, or not yet sealed'),
  entries: z.array(LedgerEntrySchema.omit({ transactionId: true, reference: true, createdAt: true })),
});
export type LedgerTransaction = z.infer<typeof LedgerTransactionSchema>;

export const MoneyMovementRequestSchema = z.strictObject({
  amount: PositiveAmountSchema,
  /** Why: a bank transfer id, a ticket number… shown to compliance. */
  reference: humanText(200),
});
export type MoneyMovementRequest = z.infer<typeof MoneyMovementRequestSchema>;

export const MoneyMovementResponseSchema = z.object({ transaction: LedgerTransactionSchema, wallet: WalletSchema });
export type MoneyMovementResponse = z.infer<typeof MoneyMovementResponseSchema>;

export const WalletEntriesQuerySchema = PageQuerySchema;

export const ComplianceLedgerQuerySchema = PageQuerySchema.extend({
  /** Entries on this user's real wallet accounts (a paper book's entries are found by `paperAccountId`). */
  userId: z.uuid().optional(),
  /** Only the real wallet book, only paper books, or only live accounts' cash mirrors (docs/domain.md, "Accounts and books"); all when absent. */
  book: z.enum(BOOK_KINDS).optional(),
  /** Every entry of one paper account's book, its `paper:*` house legs included. */
  paperAccountId: z.uuid().optional(),
  /** Every entry of one live account's cash mirror, its `broker:*` house legs included. */
  mirrorAccountId: z.uuid().optional(),
  type: EntryTypeSchema.optional(),
  from: InstantInputSchema.optional(),
  to: InstantInputSchema.optional(),
});
export type ComplianceLedgerQuery = z.infer<typeof ComplianceLedgerQuerySchema>;
export const ComplianceExportQuerySchema = ComplianceLedgerQuerySchema.omit({ limit: true, cursor: true });
export type ComplianceExportQuery = z.infer<typeof ComplianceExportQuerySchema>;

export const VERIFY_PROBLEM_KINDS = [
  'BROKEN_CONTENT_HASH',
  'BROKEN_CHAIN',
  'UNBALANCED_TRANSACTION',
  'NEGATIVE_BALANCE',
  'BALANCE_MISMATCH',
  'UNSEALED_TRANSACTION',
  'CHAIN_HEAD_MISMATCH',
  // A transaction spanning two books (the wallet, a paper book, a cash mirror, or two owners'), an
  // entry whose stored owner columns disagree with its account code, or a paper book or mirror
  // with another user's transactions.
  'BOOK_MISMATCH',
] as const;

export const VerifyProblemSchema = z.object({
  kind: z.enum(VERIFY_PROBLEM_KINDS),
  transactionId: z.uuid().optional(),
  userId: z.uuid().optional(),
  detail: z.string(),
});
export type VerifyProblem = z.infer<typeof VerifyProblemSchema>;

export const VerifyResultSchema = z.object({
  ok: z.boolean(),
  transactionsChecked: z.number().int(),
  entriesChecked: z.number().int(),
  chainHead: z.object({ seq: z.string(), hash: z.string() }),
  trialBalance: MoneySchema,
  problems: z.array(VerifyProblemSchema),
  durationMs: z.number(),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

export const TransactionIdParamSchema = z.strictObject({ id: z.uuid({ message: 'must be a transaction id (uuid)' }) });
export const UserIdPathSchema = z.strictObject({ userId: z.uuid({ message: 'must be a user id (uuid)' }) });

export const WalletUpdatedEventSchema = z.object({ wallet: WalletSchema, seq: z.number().int().positive() });
