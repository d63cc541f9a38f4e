import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { BROKER_KINDS, type BrokerKind } from '@tradeloop/contracts';
import { AuditRepository } from '@tradeloop/identity';
import { BrokerAccountsRepository, type StoredStatus } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { needsDailyLogin } from './broker-account-rules';
import { CredentialsCipher, secretAad } from './credentials-cipher';

/** What the execution engine needs to trade an account: decrypted credentials and session. Never leaves the server. */
export interface ExecutionAccount {
  id: string;
  kind: BrokerKind;
  /** null for a firm account. */
  ownerUserId: string | null;
  status: StoredStatus;
  disabled: boolean;
  /** The kind's fields (kite: apiKey, apiSecret); empty for paper. */
  credentials: Record<string, string>;
  accessToken: string | null;
  tokenExpiresAt: Date | null;
  /**
   * What the account trades with, and what a built adapter is keyed on (a change rebuilds it):
   * today's access token for a kind with a daily login; its credentials for OpenAlgo, whose API
   * key is its session (`needsDailyLogin`). null: no session (log in first).
   */
  session: string | null;
}

/**
 * The accounts port for order intake and execution (libs/trading, apps/worker): which account an
 * order goes to, whether the user may trade it, its decrypted session, and the status changes the
 * engine observes. Status changes are audited and published (`broker.account`).
 */
@Injectable()
export class BrokerAccountDirectory {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
  ) {}

  /** The account with decrypted secrets; a session past its expiry is ended first (needs_login, published). Undefined when unknown. */
  async forExecution(accountId: string, now = new Date()): Promise<ExecutionAccount | undefined> {
    const expired = await this.repo.expireSessions(now, { accountIds: [accountId] });
    if (expired.length) await Promise.all([this.events.changed(expired), this.events.needsLogin(expired)]);
    const s = await this.repo.secrets(accountId);
    if (!s) return undefined;
    const credentials = s.credentialsCiphertext
      ? (JSON.parse(this.cipher.decrypt(s.credentialsCiphertext, secretAad(s.id, 'credentials'))) as Record<string, string>)
      : {};
    const accessToken = s.accessTokenCiphertext ? this.cipher.decrypt(s.accessTokenCiphertext, secretAad(s.id, 'access_token')) : null;
    return {
      id: s.id,
      kind: s.kind,
      ownerUserId: s.ownerUserId,
      status: s.status,
      disabled: s.disabled,
      credentials,
      accessToken,
      tokenExpiresAt: s.tokenExpiresAt,
      session: needsDailyLogin(s.kind) ? accessToken : s.kind === 'paper' ? null : JSON.stringify(credentials),
    };
  }

  /** The enabled live accounts without a daily login (OpenAlgo): what the worker re-checks periodically. */
  accountsWithoutDailyLogin(): Promise<string[]> {
    return this.repo.enabledOfKinds(BROKER_KINDS.filter((k) => k !== 'paper' && !needsDailyLogin(k)));
  }

  /** The user's default account id (their paper account, created now, when they have chosen none). */
  async defaultFor(userId: string): Promise<string> {
    const current = await this.repo.defaultOf(userId);
    if (current) return current;
    await this.repo.ensurePaperAccount(userId, uuidv7());
    return (await this.repo.defaultOf(userId))!;
  }

  /** Whether the user owns the account or it is assigned to them (status and disabled are the caller's to check: 409s). */
  canTrade(userId: string, accountId: string): Promise<boolean> {
    return this.repo.canTrade(userId, accountId);
  }

  /**
   * The broker said the session is gone (TokenException, a 403) or it expired: status
   * needs_login, token wiped, audited and published. A repeat with the same reason changes nothing.
   */
  async markNeedsLogin(accountId: string, reason: string): Promise<boolean> {
    const changed = await this.repo.markNeedsLogin(accountId, reason);
    if (changed) {
      await this.audit.append({ actorId: null, action: 'broker_account.needs_login', subject: accountId, details: { reason } });
      await Promise.all([this.events.changed([accountId]), this.events.needsLogin([accountId])]);
    }
    return changed;
  }

  /**
   * The broker refused the account's credentials (OpenAlgo: an invalid API key) or cannot be
   * reached with them: status error with the reason, audited and published. A repeat changes nothing.
   */
  async markError(accountId: string, reason: string): Promise<boolean> {
    const changed = await this.repo.markError(accountId, reason, undefined, { onlyIfDifferent: true });
    if (changed) {
      await this.audit.append({ actorId: null, action: 'broker_account.error', subject: accountId, details: { reason } });
      await this.events.changed([accountId]);
    }
    return changed;
  }

  /**
   * An account without a daily login (OpenAlgo) answered its check: connected, with a note the
   * owner should see (analyzer mode) or none; published when it changed.
   */
  async markChecked(accountId: string, note: string | null): Promise<boolean> {
    const changed = await this.repo.markChecked(accountId, note);
    if (changed) await this.events.changed([accountId]);
    return changed;
  }

  /** A new broker session (the login callback, or a token obtained elsewhere): encrypted, with its expiry; status connected; published. */
  async markConnected(
    accountId: string,
    session: { accessToken: string; expiresAt: Date; brokerUserId?: string | null },
  ): Promise<boolean> {
    const changed = await this.repo.markConnected(accountId, {
      accessTokenCiphertext: this.cipher.encrypt(session.accessToken, secretAad(accountId, 'access_token')),
      expiresAt: session.expiresAt,
      brokerUserId: session.brokerUserId ?? null,
    });
    if (changed) await this.events.changed([accountId]);
    return changed;
  }

  /** Ends every session whose expiry has passed (the worker may run this periodically; reads do it on the way). Returns the ids. */
  async expireSessions(now = new Date()): Promise<string[]> {
    const ids = await this.repo.expireSessions(now);
    if (ids.length) await Promise.all([this.events.changed(ids), this.events.needsLogin(ids)]);
    return ids;
  }
}
