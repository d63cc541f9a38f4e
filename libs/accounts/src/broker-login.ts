import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@tradeloop/domain';
import { BROKER_LOGIN_RETURN_PATH } from '@tradeloop/contracts';
import { BrokerError } from '@tradeloop/brokers';
import type { Db } from '@tradeloop/platform';
import type { AuditRepository, RequestMeta } from '@tradeloop/identity';
import type { AccountSecrets, BrokerAccountsRepository } from './broker-accounts.repository';
import type { BrokerAccountEvents } from './broker-account-events';
import type { AccountActor } from './broker-account-use-cases';
import { CredentialsCipher, secretAad } from './credentials-cipher';

// The daily broker login shared by Kite and Upstox (kite-login-use-cases.ts,
// upstox-login-use-cases.ts): the single-use login state, the callback's checks, the token
// storing and the audit. Only the broker's URL, its redirect's fields and the code exchange differ.

/** How long a login state is accepted: the user has this long to log in at the broker. */
export const LOGIN_STATE_TTL_MS = 10 * 60_000;

/** Where the browser goes after the callback: the web app's broker page with the outcome. */
export const loginReturnUrl = (ok: boolean, reason?: string): string => {
  const q = new URLSearchParams({ login: ok ? 'ok' : 'failed' });
  if (!ok && reason) q.set('reason', reason.slice(0, 200));
  return `${BROKER_LOGIN_RETURN_PATH}?${q.toString()}`;
};

const hashState = (state: string): Buffer => createHash('sha256').update(state, 'utf8').digest();

const badState = (why: string) =>
  new DomainError('VALIDATION_FAILED', `Invalid login state: ${why}`, { fieldErrors: [{ field: 'state', message: why }] });

/** The account's credentials (decrypted with the account's AAD). */
export const decryptCredentials = <T>(cipher: CredentialsCipher, secrets: AccountSecrets): T =>
  JSON.parse(cipher.decrypt(secrets.credentialsCiphertext!, secretAad(secrets.id, 'credentials'))) as T;

export interface BrokerLoginDeps {
  db: Db;
  repo: BrokerAccountsRepository;
  cipher: CredentialsCipher;
  audit: AuditRepository;
}

/**
 * A fresh login `state` (32 random bytes) for the account. Only its SHA-256 is stored (Postgres,
 * with the user, the account and a 10-minute expiry), so a database reader cannot complete
 * someone's login; the start is audited in the same transaction.
 */
export async function issueLoginState(
  deps: BrokerLoginDeps,
  actor: AccountActor,
  accountId: string,
  kind: 'kite' | 'upstox',
  now: Date,
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await deps.db.tx(async (sql) => {
    await deps.repo.insertLoginState(sql, {
      stateHash: hashState(state),
      userId: actor.userId,
      accountId,
      expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_MS),
    });
    await deps.audit.append(
      { actorId: actor.userId, action: 'broker_account.login_started', subject: accountId, details: { kind }, meta: actor.meta },
      sql,
    );
  });
  return state;
}

export interface CompleteBrokerLogin<C> {
  kind: 'kite' | 'upstox';
  /** The broker's name in messages ("Kite", "Upstox"). */
  broker: string;
  state: string | undefined;
  /** Why the broker's redirect carries nothing to exchange, or undefined when it does. */
  refusal: () => string | undefined;
  /** The broker's code exchange with the account's credentials. */
  exchange: (credentials: C) => Promise<{ accessToken: string; userId: string | null }>;
  /** When the stored access token expires. */
  expiry: (now: Date) => Date;
  meta: RequestMeta;
  now: Date;
}

/**
 * The broker's callback. A missing, unknown (foreign), expired or already used state is a 400
 * and nothing is stored (taking it is one DELETE … RETURNING: single use even when the callback
 * races itself). Otherwise the code is exchanged; the access token is stored encrypted until
 * `expiry` and the account is connected. The broker refusing the exchange (auth or final error)
 * sets the account to `error` with the broker's message. Every outcome with a valid state is
 * audited and answered with a redirect to the web app (`login=ok|failed&reason=`).
 */
export async function completeBrokerLogin<C>(
  deps: BrokerLoginDeps & { events: BrokerAccountEvents },
  login: CompleteBrokerLogin<C>,
): Promise<{ redirect: string }> {
  const { repo, audit, events, cipher } = deps;
  const { meta, now, broker } = login;
  if (!login.state) throw badState('state is missing');
  const taken = await repo.consumeLoginState(hashState(login.state));
  if (!taken) throw badState('this login link is unknown or was already used; start the login again');
  if (taken.expiresAt.getTime() <= now.getTime()) throw badState('this login link has expired; start the login again');
  const { userId, accountId } = taken;
  const fail = async (reason: string, opts: { error?: boolean; code?: string } = {}) => {
    const changed = opts.error ? await repo.markError(accountId, `${broker} refused the login: ${reason}`) : false;
    await audit.append({
      actorId: userId,
      action: 'broker_account.login_failed',
      subject: accountId,
      details: { reason, code: opts.code ?? null },
      meta,
    });
    if (changed) await events.changed([accountId]);
    return { redirect: loginReturnUrl(false, reason) };
  };
  const secrets = await repo.secrets(accountId);
  if (!secrets || secrets.kind !== login.kind) return fail('the account no longer exists');
  if (secrets.disabled) return fail('the account is disabled');
  const refusal = login.refusal();
  if (refusal !== undefined) return fail(refusal);
  let session;
  try {
    session = await login.exchange(decryptCredentials<C>(cipher, secrets));
  } catch (err) {
    if (err instanceof BrokerError) {
      const refused = err.kind === 'auth' || err.kind === 'final';
      const reason = refused ? (err.brokerMessage ?? err.code ?? 'credentials refused') : `${broker} could not be reached; try again`;
      return fail(reason, { error: refused, code: err.code ?? undefined });
    }
    throw err;
  }
  const expiresAt = login.expiry(now);
  await deps.db.tx(async (sql) => {
    await repo.markConnected(
      accountId,
      {
        accessTokenCiphertext: cipher.encrypt(session.accessToken, secretAad(accountId, 'access_token')),
        expiresAt,
        brokerUserId: session.userId,
      },
      sql,
    );
    await audit.append(
      {
        actorId: userId,
        action: 'broker_account.login_succeeded',
        subject: accountId,
        details: { brokerUserId: session.userId, expiresAt: expiresAt.toISOString() },
        meta,
      },
      sql,
    );
  });
  await events.changed([accountId]);
  return { redirect: loginReturnUrl(true) };
}
