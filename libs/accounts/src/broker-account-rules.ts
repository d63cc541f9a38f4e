import { DomainError, type FieldError } from '@tradeloop/domain';
import { BROKER_CREDENTIALS_SCHEMAS, BROKER_CREDENTIAL_FIELDS, type BrokerKind } from '@tradeloop/contracts';
import { maskSecret } from './credentials-cipher';
import type { StoredStatus } from './broker-accounts.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isAccountId = (id: string): boolean => UUID.test(id);

/** Another user's account, an unknown one and a malformed id all answer the same 404. */
export const accountNotFound = (): DomainError => new DomainError('NOT_FOUND', 'No such broker account');

/**
 * The credentials of `kind`, checked against its schema: every problem names its field
 * (`credentials.apiKey`), unknown fields included. Returns the parsed (trimmed) values.
 */
export function parseCredentials(kind: BrokerKind, raw: unknown): Record<string, string> {
  const result = BROKER_CREDENTIALS_SCHEMAS[kind].safeParse(raw ?? {});
  if (result.success) return result.data as Record<string, string>;
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({ field: ['credentials', ...issue.path.map(String), key].join('.'), message: `is not a ${kind} credential` });
    } else {
      errors.push({ field: ['credentials', ...issue.path.map(String)].join('.'), message: issue.message });
    }
  }
  const expected = BROKER_CREDENTIAL_FIELDS[kind];
  throw new DomainError(
    'VALIDATION_FAILED',
    expected.length ? `Invalid ${kind} credentials (expected ${expected.join(', ')})` : `A ${kind} account takes no credentials`,
    { fieldErrors: errors },
  );
}

/** The masked form the API shows: each field as "••••" + its last 4. */
export const credentialsHint = (credentials: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, maskSecret(v)]));

/**
 * Whether the kind trades with a daily broker session (Kite, Upstox: an access token from a
 * login). OpenAlgo does not: its API key is its session (docs/brokers.md 4.8), and paper needs none.
 */
export const needsDailyLogin = (kind: BrokerKind): boolean => kind === 'kite' || kind === 'upstox';

/** Where a new account starts: paper and OpenAlgo (an API key, no daily login) are usable; Kite and Upstox need a login. */
export function initialStatus(kind: BrokerKind): { status: StoredStatus; statusReason: string | null } {
  if (needsDailyLogin(kind)) return { status: 'needs_login', statusReason: 'Log in to the broker to connect this account' };
  return { status: 'connected', statusReason: null };
}
