import { z } from 'zod';
import { humanText, orNull } from '../common';
import { MoneySchema, PositiveAmountSchema } from '../wallet';

/**
 * Broker accounts (docs/api.md "Broker accounts", docs/domain.md "Accounts and books"): every
 * order goes through one. `paper` is the mock broker: every user has one automatic *primary* paper
 * account and may add more (up to `MAX_PAPER_ACCOUNTS` in all); the others are live brokers whose
 * credentials are encrypted at rest and never returned after saving.
 */
export const BROKER_KINDS = ['paper', 'kite', 'upstox', 'openalgo'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];
export const BrokerKindSchema = z.enum(BROKER_KINDS);

/** How many paper accounts a user may have, the primary one included. */
export const MAX_PAPER_ACCOUNTS = 5;

/**
 * `connected`: usable now (paper always is). `needs_login`: the daily session is missing or
 * expired (Kite: log in again). `error`: the broker refused the credentials (see statusReason).
 * `disabled`: switched off by its owner or an admin; orders for it are refused.
 */
export const BROKER_ACCOUNT_STATUSES = ['connected', 'needs_login', 'error', 'disabled'] as const;
export type BrokerAccountStatus = (typeof BROKER_ACCOUNT_STATUSES)[number];
export const BrokerAccountStatusSchema = z.enum(BROKER_ACCOUNT_STATUSES);

const secretText = (max: number) =>
  z
    .string()
    .max(max)
    .trim()
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(500);

/** What each kind needs (all fields required; credentials are replaced whole). */
export const KiteCredentialsSchema = z.strictObject({ apiKey: secretText(100), apiSecret: secretText(200) });
export const UpstoxCredentialsSchema = z.strictObject({
  clientId: secretText(200),
  clientSecret: secretText(200),
  redirectUri: httpUrl,
});
export const OpenAlgoCredentialsSchema = z.strictObject({ host: httpUrl, apiKey: secretText(200) });
/** Paper accounts have no credentials. */
export const PaperCredentialsSchema = z.strictObject({});

export const BROKER_CREDENTIALS_SCHEMAS = {
  paper: PaperCredentialsSchema,
  kite: KiteCredentialsSchema,
  upstox: UpstoxCredentialsSchema,
  openalgo: OpenAlgoCredentialsSchema,
} as const satisfies Record<BrokerKind, z.ZodType>;
export type KiteCredentials = z.infer<typeof KiteCredentialsSchema>;
export type UpstoxCredentials = z.infer<typeof UpstoxCredentialsSchema>;
export type OpenAlgoCredentials = z.infer<typeof OpenAlgoCredentialsSchema>;
export type BrokerCredentials = KiteCredentials | UpstoxCredentials | OpenAlgoCredentials | Record<string, never>;

/** The credential fields of each kind, in the order the UI shows them. Secret ones are masked like the rest. */
export const BROKER_CREDENTIAL_FIELDS = {
  paper: [],
  kite: ['apiKey', 'apiSecret'],
  upstox: ['clientId', 'clientSecret', 'redirectUri'],
  openalgo: ['host', 'apiKey'],
} as const satisfies Record<BrokerKind, readonly string[]>;

/** The only form a saved credential is ever shown in: "••••" + its last 4 characters. */
export const MaskedCredentialSchema = z.string().regex(/^••••.{0,4}$/u);

export const BrokerAccountSchema = z.object({
  id: z.uuid(),
  kind: BrokerKindSchema,
  name: z.string(),
  status: BrokerAccountStatusSchema,
  statusReason: orNull(z.string(), 'nothing to explain (connected, or never logged in)'),
  /** Whether this is the default account of the user asking (orders without accountId go here). */
  isDefault: z.boolean(),
  /**
   * The owner's automatic paper account: created on first use, listed first, never deleted. false
   * for paper accounts the user added and for every live account.
   */
  primary: z.boolean(),
  /** Each credential field masked ("••••1234"); empty for paper. */
  credentials: z.record(z.string(), MaskedCredentialSchema),
  tokenExpiresAt: orNull(z.iso.datetime(), 'no broker session (paper, or not logged in)'),
  /** null: a firm account registered by an admin and assigned to users. */
  ownerUserId: orNull(z.uuid(), 'a firm account (registered by an admin)'),
  /** Users a firm account is assigned to (empty for a user's own account). */
  assignedUserIds: z.array(z.uuid()),
  /** The virtual balance of a paper account. */
  paperBalance: orNull(MoneySchema, 'not a paper account'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BrokerAccount = z.infer<typeof BrokerAccountSchema>;
export const BrokerAccountListSchema = z.object({ items: z.array(BrokerAccountSchema) });
export type BrokerAccountList = z.infer<typeof BrokerAccountListSchema>;

const AccountNameSchema = humanText(60);

/**
 * `POST /api/v1/broker-accounts`. `credentials` is checked against the kind's own schema
 * (`BROKER_CREDENTIALS_SCHEMAS`), each problem named by its field (`credentials.apiKey`).
 * `assignedUserIds` (admins only) registers a firm account assigned to those users.
 * `{ kind: "paper", name }` adds a paper account of the caller's own (no credentials: any field in
 * them is a 400 naming it; never a firm account).
 */
export const CreateBrokerAccountSchema = z.strictObject({
  kind: BrokerKindSchema,
  name: AccountNameSchema,
  credentials: z.record(z.string(), z.unknown()).default({}),
  isDefault: z.boolean().optional(),
  assignedUserIds: z.array(z.uuid()).max(1000).optional(),
});
export type CreateBrokerAccountRequest = z.infer<typeof CreateBrokerAccountSchema>;

/** `PATCH /api/v1/broker-accounts/:id`: at least one field. New credentials replace the old ones whole. */
export const UpdateBrokerAccountSchema = z
  .strictObject({
    name: AccountNameSchema.optional(),
    credentials: z.record(z.string(), z.unknown()).optional(),
    isDefault: z.literal(true, { message: 'only true: make another account the default instead' }).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' });
export type UpdateBrokerAccountRequest = z.infer<typeof UpdateBrokerAccountSchema>;

/** `PATCH /api/v1/admin/broker-accounts/:id`. */
export const AdminUpdateBrokerAccountSchema = z.strictObject({ disabled: z.boolean() });
export type AdminUpdateBrokerAccountRequest = z.infer<typeof AdminUpdateBrokerAccountSchema>;

/** `POST /api/v1/broker-accounts/:id/paper-balance`: sets the paper account's virtual balance. */
export const PaperBalanceRequestSchema = z.strictObject({ amount: PositiveAmountSchema });
export type PaperBalanceRequest = z.infer<typeof PaperBalanceRequestSchema>;

export const BrokerAccountIdParamSchema = z.strictObject({ id: z.uuid({ message: 'must be a broker account id (uuid)' }) });

/** `GET /api/v1/broker-accounts/:id/login` → where to send the browser. */
export const BrokerLoginUrlSchema = z.object({ url: z.url() });
export type BrokerLoginUrl = z.infer<typeof BrokerLoginUrlSchema>;

/** What Kite appends to our redirect URL (docs/brokers.md 1.1), plus our `state` from redirect_params. */
export const KiteCallbackQuerySchema = z.object({
  request_token: z.string().max(200).optional(),
  status: z.string().max(50).optional(),
  state: z.string().max(200).optional(),
  action: z.string().max(50).optional(),
  type: z.string().max(50).optional(),
});
export type KiteCallbackQuery = z.infer<typeof KiteCallbackQuerySchema>;

/** `GET /brokers/upstox/callback`: Upstox's OAuth2 redirect, `code` and our `state` (or an OAuth `error`). */
export const UpstoxCallbackQuerySchema = z.object({
  code: z.string().max(500).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(500).optional(),
});
export type UpstoxCallbackQuery = z.infer<typeof UpstoxCallbackQuerySchema>;

/** Where the callback sends the browser back: `/account/brokers?login=ok|failed&reason=…`. */
export const BROKER_LOGIN_RETURN_PATH = '/account/brokers';
export const BROKER_LOGIN_OUTCOMES = ['ok', 'failed'] as const;

/** Realtime `broker.account`: an account the user owns or is assigned changed status (or anything else). */
export const BrokerAccountEventSchema = z.object({ account: BrokerAccountSchema, seq: z.number().int().positive() });
export type BrokerAccountEvent = z.infer<typeof BrokerAccountEventSchema>;
