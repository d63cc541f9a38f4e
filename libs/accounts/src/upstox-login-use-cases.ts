import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { BROKER_LOGIN_RETURN_PATH, type UpstoxCallbackQuery } from '@tradeloop/contracts';
import { BrokerError, exchangeUpstoxCode, upstoxLoginUrl, type UpstoxTokenFetch } from '@tradeloop/brokers';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { accountNotFound, isAccountId } from './broker-account-rules';
import type { AccountActor } from './broker-account-use-cases';
import { CredentialsCipher, secretAad } from './credentials-cipher';
import { upstoxTokenExpiry } from './token-expiry';

/** The fetch the code exchange uses (a port so tests can point it anywhere; global fetch by default). */
export const UPSTOX_TOKEN_FETCH = Symbol('UPSTOX_TOKEN_FETCH');

/** How long a login state is accepted (as for Kite: kite-login-use-cases.ts imports this file, so it is not imported back). */
const LOGIN_STATE_TTL_MS = 10 * 60_000;

/** Where the browser goes after the callback: the web app's broker page with the outcome (as for Kite). */
const loginReturnUrl = (ok: boolean, reason?: string): string => {
  const q = new URLSearchParams({ login: ok ? 'ok' : 'failed' });
  if (!ok && reason) q.set('reason', reason.slice(0, 200));
  return `${BROKER_LOGIN_RETURN_PATH}?${q.toString()}`;
};

const hashState = (state: string): Buffer => createHash('sha256').update(state, 'utf8').digest();

interface UpstoxSecrets {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * `GET /broker-accounts/:id/login` for an Upstox account (docs/brokers.md 2.1): the authorization
 * dialog URL at `UPSTOX_API_ROOT` with the account's client_id and redirect_uri and a fresh
 * `state` (32 random bytes). As for Kite, only the state's SHA-256 is stored, with the user, the
 * account and a 10-minute expiry; taking it back is single use.
 */
@Injectable()
export class StartUpstoxLoginUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(actor: AccountActor, id: string, now = new Date()): Promise<{ url: string }> {
    const account = isAccountId(id) ? await this.repo.findVisible(actor.userId, id, { includeFirm: actor.isAdmin }) : undefined;
    if (!account) throw accountNotFound();
    if (account.kind !== 'upstox') throw new DomainError('CONFLICT', `A ${account.kind} account has no Upstox login`);
    if (account.disabled) throw new DomainError('CONFLICT', 'This account is disabled; enable it before logging in');
    const secrets = (await this.repo.secrets(id))!;
    const { clientId, redirectUri } = JSON.parse(
      this.cipher.decrypt(secrets.credentialsCiphertext!, secretAad(id, 'credentials')),
    ) as UpstoxSecrets;
    const state = randomBytes(32).toString('base64url');
    await this.db.tx(async (sql) => {
      await this.repo.insertLoginState(sql, {
        stateHash: hashState(state),
        userId: actor.userId,
        accountId: id,
        expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_MS),
      });
      await this.audit.append(
        { actorId: actor.userId, action: 'broker_account.login_started', subject: id, details: { kind: 'upstox' }, meta: actor.meta },
        sql,
      );
    });
    return { url: upstoxLoginUrl({ clientId, redirectUri, state, apiRoot: this.config.UPSTOX_API_ROOT }) };
  }
}

/**
 * `GET /brokers/upstox/callback?code=&state=`: the browser comes back from Upstox's dialog. No
 * bearer token: the state authenticates (user and account). A missing, unknown (foreign),
 * expired or already used state is a 400 and nothing is stored. Otherwise the code is exchanged
 * at `POST {UPSTOX_API_ROOT}/v2/login/authorization/token` with the account's client id, secret
 * and redirect URI; the access token is stored encrypted until 03:30 IST (`upstoxTokenExpiry`)
 * and the account is connected. Upstox refusing the exchange (a used or wrong code, wrong secret
 * or redirect URI) sets the account to `error` with Upstox's message. Every outcome with a valid
 * state is audited and answered with a redirect to the web app (`login=ok|failed&reason=`).
 */
@Injectable()
export class CompleteUpstoxLoginUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UPSTOX_TOKEN_FETCH) private readonly fetch: UpstoxTokenFetch | null,
  ) {}

  async execute(query: UpstoxCallbackQuery, meta: RequestMeta = {}, now = new Date()): Promise<{ redirect: string }> {
    if (!query.state) throw badState('state is missing');
    const taken = await this.repo.consumeLoginState(hashState(query.state));
    if (!taken) throw badState('this login link is unknown or was already used; start the login again');
    if (taken.expiresAt.getTime() <= now.getTime()) throw badState('this login link has expired; start the login again');
    const { userId, accountId } = taken;
    const fail = async (reason: string, opts: { error?: boolean; code?: string } = {}) => {
      const changed = opts.error ? await this.repo.markError(accountId, `Upstox refused the login: ${reason}`) : false;
      await this.audit.append({
        actorId: userId,
        action: 'broker_account.login_failed',
        subject: accountId,
        details: { reason, code: opts.code ?? null },
        meta,
      });
      if (changed) await this.events.changed([accountId]);
      return { redirect: loginReturnUrl(false, reason) };
    };
    const secrets = await this.repo.secrets(accountId);
    if (!secrets || secrets.kind !== 'upstox') return fail('the account no longer exists');
    if (secrets.disabled) return fail('the account is disabled');
    if (!query.code) return fail(query.error ? `Upstox answered "${query.error}"` : 'Upstox sent no authorization code');
    const credentials = JSON.parse(
      this.cipher.decrypt(secrets.credentialsCiphertext!, secretAad(accountId, 'credentials')),
    ) as UpstoxSecrets;
    let session;
    try {
      session = await exchangeUpstoxCode(
        { code: query.code, clientId: credentials.clientId, clientSecret: credentials.clientSecret, redirectUri: credentials.redirectUri },
        { apiRoot: this.config.UPSTOX_API_ROOT, ...(this.fetch ? { fetch: this.fetch } : {}) },
      );
    } catch (err) {
      if (err instanceof BrokerError) {
        const refused = err.kind === 'auth' || err.kind === 'final';
        const reason = refused ? (err.brokerMessage ?? err.code ?? 'credentials refused') : 'Upstox could not be reached; try again';
        return fail(reason, { error: refused, code: err.code ?? undefined });
      }
      throw err;
    }
    const expiresAt = upstoxTokenExpiry(now);
    await this.db.tx(async (sql) => {
      await this.repo.markConnected(
        accountId,
        {
          accessTokenCiphertext: this.cipher.encrypt(session.accessToken, secretAad(accountId, 'access_token')),
          expiresAt,
          brokerUserId: session.userId,
        },
        sql,
      );
      await this.audit.append(
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
    await this.events.changed([accountId]);
    return { redirect: loginReturnUrl(true) };
  }
}

const badState = (why: string) =>
  new DomainError('VALIDATION_FAILED', `Invalid login state: ${why}`, { fieldErrors: [{ field: 'state', message: why }] });
