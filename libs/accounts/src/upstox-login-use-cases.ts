import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { UpstoxCallbackQuery } from '@tradeloop/contracts';
import { exchangeUpstoxCode, upstoxLoginUrl, type UpstoxTokenFetch } from '@tradeloop/brokers';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { BrokerAccountsRepository } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { accountNotFound, isAccountId } from './broker-account-rules';
import type { AccountActor } from './broker-account-use-cases';
import { completeBrokerLogin, decryptCredentials, issueLoginState } from './broker-login';
import { CredentialsCipher } from './credentials-cipher';
import { upstoxTokenExpiry } from './token-expiry';

/** The fetch the code exchange uses (a port so tests can point it anywhere; global fetch by default). */
export const UPSTOX_TOKEN_FETCH = Symbol('UPSTOX_TOKEN_FETCH');

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
    const { clientId, redirectUri } = decryptCredentials<UpstoxSecrets>(this.cipher, (await this.repo.secrets(id))!);
    const state = await issueLoginState({ db: this.db, repo: this.repo, cipher: this.cipher, audit: this.audit }, actor, id, 'upstox', now);
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
    return completeBrokerLogin<UpstoxSecrets>(
      { db: this.db, repo: this.repo, cipher: this.cipher, audit: this.audit, events: this.events },
      {
        kind: 'upstox',
        broker: 'Upstox',
        state: query.state,
        refusal: () => (query.code ? undefined : query.error ? `Upstox answered "${query.error}"` : 'Upstox sent no authorization code'),
        exchange: (credentials) =>
          exchangeUpstoxCode(
            {
              code: query.code!,
              clientId: credentials.clientId,
              clientSecret: credentials.clientSecret,
              redirectUri: credentials.redirectUri,
            },
            { apiRoot: this.config.UPSTOX_API_ROOT, ...(this.fetch ? { fetch: this.fetch } : {}) },
          ),
        expiry: upstoxTokenExpiry,
        meta,
        now,
      },
    );
  }
}
