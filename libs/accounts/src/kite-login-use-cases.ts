import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { KiteCallbackQuery } from '@tradeloop/contracts';
import { exchangeKiteRequestToken, kiteLoginUrl, type KiteSessionFetch } from '@tradeloop/brokers';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { accountNotFound, isAccountId } from './broker-account-rules';
import type { AccountActor } from './broker-account-use-cases';
import { completeBrokerLogin, decryptCredentials, issueLoginState } from './broker-login';
import { CredentialsCipher } from './credentials-cipher';
import { kiteTokenExpiry } from './token-expiry';
import { StartUpstoxLoginUseCase } from './upstox-login-use-cases';

export { LOGIN_STATE_TTL_MS, loginReturnUrl } from './broker-login';

/** The fetch the token exchange uses (a port so tests can point it anywhere; global fetch by default). */
export const KITE_SESSION_FETCH = Symbol('KITE_SESSION_FETCH');

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
    const { apiKey } = decryptCredentials<{ apiKey: string }>(this.cipher, (await this.repo.secrets(id))!);
    const state = await issueLoginState({ db: this.db, repo: this.repo, cipher: this.cipher, audit: this.audit }, actor, id, 'kite', now);
    return { url: kiteLoginUrl(this.config.KITE_LOGIN_URL, apiKey, { state }) };
  }
}

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
    return completeBrokerLogin<{ apiKey: string; apiSecret: string }>(
      { db: this.db, repo: this.repo, cipher: this.cipher, audit: this.audit, events: this.events },
      {
        kind: 'kite',
        broker: 'Kite',
        state: query.state,
        refusal: () =>
          query.status !== 'success' || !query.request_token
            ? query.status
              ? `Kite answered status "${query.status}"`
              : 'Kite sent no request token'
            : undefined,
        exchange: ({ apiKey, apiSecret }) =>
          exchangeKiteRequestToken(apiKey, query.request_token!, apiSecret, {
            apiRoot: this.config.KITE_API_ROOT,
            ...(this.fetch ? { fetch: this.fetch } : {}),
          }),
        expiry: kiteTokenExpiry,
        meta,
        now,
      },
    );
  }
}
