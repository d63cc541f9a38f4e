import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { BROKER_LOGIN_RETURN_PATH, type KiteCallbackQuery } from '@tradeloop/contracts';
import { BrokerError, exchangeKiteRequestToken, kiteLoginUrl, type KiteSessionFetch } from '@tradeloop/brokers';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { accountNotFound, isAccountId } from './broker-account-rules';
import type { AccountActor } from './broker-account-use-cases';
import { CredentialsCipher, secretAad } from './credentials-cipher';
import { kiteTokenExpiry } from './token-expiry';
import { StartUpstoxLoginUseCase } from './upstox-login-use-cases';

/** How long a login state is accepted: the user has this long to log in at Kite. */
export const LOGIN_STATE_TTL_MS = 10 * 60_000;

/** The fetch the token exchange uses (a port so tests can point it anywhere; global fetch by default). */
export const KITE_SESSION_FETCH = Symbol('KITE_SESSION_FETCH');

const hashState = (state: string): Buffer => createHash('sha256').update(state, 'utf8').digest();

/**
 * `GET /broker-accounts/:id/login` for a Kite account: the login URL carrying a fresh `state`
 * (32 random bytes) in `redirect_params`. Only its SHA-256 is stored (Postgres, with the user,
 * the account and a 10-minute expiry), so a database reader cannot complete someone's login, and
 * taking it is one DELETE … RETURNING: single use even when the callback races itself.
 */
@Injectable()
export class StartKiteLoginUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(StartUpstoxLoginUseCase) private readonly upstoxLogin: StartUpstoxLoginUseCase,
  ) {}

  async execute(actor: AccountActor, id: string, now = new Date()): Promise<{ url: string }> {
    const account = isAccountId(id) ? await this.repo.findVisible(actor.userId, id, { includeFirm: actor.isAdmin }) : undefined;
    if (!account) throw accountNotFound();
    if (account.kind === 'upstox') return this.upstoxLogin.execute(actor, id, now);
    if (account.kind !== 'kite') throw new DomainError('CONFLICT', `A ${account.kind} account has no broker login`);
    if (account.disabled) throw new DomainError('CONFLICT', 'This account is disabled; enable it before logging in');
    const secrets = (await this.repo.secrets(id))!;
    const { apiKey } = JSON.parse(this.cipher.decrypt(secrets.credentialsCiphertext!, secretAad(id, 'credentials'))) as { apiKey: string };
    const state = randomBytes(32).toString('base64url');
    await this.db.tx(async (sql) => {
      await this.repo.insertLoginState(sql, {
        stateHash: hashState(state),
        userId: actor.userId,
        accountId: id,
        expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_MS),
      });
      await this.audit.append(
        { actorId: actor.userId, action: 'broker_account.login_started', subject: id, details: { kind: 'kite' }, meta: actor.meta },
        sql,
      );
    });
    return { url: kiteLoginUrl(this.config.KITE_LOGIN_URL, apiKey, { state }) };
  }
}

/** Where the browser goes after the callback: the web app's broker page with the outcome. */
export const loginReturnUrl = (ok: boolean, reason?: string): string => {
  const q = new URLSearchParams({ login: ok ? 'ok' : 'failed' });
  if (!ok && reason) q.set('reason', reason.slice(0, 200));
  return `${BROKER_LOGIN_RETURN_PATH}?${q.toString()}`;
};

/**
 * `GET /brokers/kite/callback`: the browser comes back from Kite with `request_token`, `status`
 * and our `state`. No bearer token: the state authenticates (user and account). A missing,
 * unknown (foreign), expired or already used state is a 400 and nothing is stored. Otherwise the
 * request_token is exchanged at `POST {KITE_API_ROOT}/session/token`; the access token is stored
 * encrypted until 06:00 IST (`kiteTokenExpiry`) and the account is connected. Kite refusing the
 * exchange (wrong api key or secret: TokenException / InputException) sets the account to
 * `error` with Kite's message. Every outcome with a valid state is audited and answered with a
 * redirect to the web app (`login=ok|failed&reason=`).
 */
@Injectable()
export class CompleteKiteLoginUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KITE_SESSION_FETCH) private readonly fetch: KiteSessionFetch | null,
  ) {}

  async execute(query: KiteCallbackQuery, meta: RequestMeta = {}, now = new Date()): Promise<{ redirect: string }> {
    if (!query.state) throw badState('state is missing');
    const taken = await this.repo.consumeLoginState(hashState(query.state));
    if (!taken) throw badState('this login link is unknown or was already used; start the login again');
    if (taken.expiresAt.getTime() <= now.getTime()) throw badState('this login link has expired; start the login again');
    const { userId, accountId } = taken;
    const fail = async (reason: string, opts: { error?: boolean; code?: string } = {}) => {
      const changed = opts.error ? await this.repo.markError(accountId, `Kite refused the login: ${reason}`) : false;
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
    if (!secrets || secrets.kind !== 'kite') return fail('the account no longer exists');
    if (secrets.disabled) return fail('the account is disabled');
    if (query.status !== 'success' || !query.request_token)
      return fail(query.status ? `Kite answered status "${query.status}"` : 'Kite sent no request token');
    const { apiKey, apiSecret } = JSON.parse(this.cipher.decrypt(secrets.credentialsCiphertext!, secretAad(accountId, 'credentials'))) as {
      apiKey: string;
      apiSecret: string;
    };
    let session;
    try {
      session = await exchangeKiteRequestToken(apiKey, query.request_token, apiSecret, {
        apiRoot: this.config.KITE_API_ROOT,
        ...(this.fetch ? { fetch: this.fetch } : {}),
      });
    } catch (err) {
      if (err instanceof BrokerError) {
        const refused = err.kind === 'auth' || err.kind === 'final';
        const reason = refused ? (err.brokerMessage ?? err.code ?? 'credentials refused') : 'Kite could not be reached; try again';
        return fail(reason, { error: refused, code: err.code ?? undefined });
      }
      throw err;
    }
    const expiresAt = kiteTokenExpiry(now);
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
