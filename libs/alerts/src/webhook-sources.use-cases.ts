import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CredentialsCipher, BrokerAccountsRepository } from '@tradeloop/accounts';
import type { CreateWebhook, PatchWebhook, WebhookSourceDto, WebhookSourceWithSecretDto } from '@tradeloop/contracts';
import { DomainError, hashPassphrase, type FieldError } from '@tradeloop/domain';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { InstrumentsRepository } from '@tradeloop/market';
import { Db, type Sql } from '@tradeloop/platform';
import { SourceCache } from './source-cache';
import { DEFAULT_LIMITS, WebhookSourcesRepository, type SourceChanges, type WebhookSourceRow } from './webhook-sources.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The AAD binding a source's encrypted secret to its row and column (CredentialsCipher). */
export const webhookSecretAad = (sourceId: string): string => `tradeloop/webhook_sources/${sourceId}/secret`;

/** Where a source's alerts go. */
export const hookPath = (sourceId: string): string => `/api/v1/hooks/${sourceId}`;

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A new HMAC secret: 32 random bytes, base64url, with a prefix that says what it is. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
/** A new passphrase (passphrase mode): 24 random bytes, base64url. Issued by us, never chosen by a user. */
const newPassphrase = (): string => randomBytes(24).toString('base64url');
const passphraseHashOf = (passphrase: string) => hashPassphrase(passphrase, randomBytes(16).toString('hex'));

export const toSourceDto = (s: WebhookSourceRow): WebhookSourceDto => ({
  id: s.id,
  name: s.name,
  url: hookPath(s.id),
  engine: { split: s.split },
  accountIds: s.accountIds,
  symbols: s.symbols,
  limits: s.limits,
  passphrase: s.passphraseMode,
  enabled: s.enabled,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/**
 * Webhook sources (docs/alerts.md "Webhook sources"): create (the secret shown once), list,
 * patch, delete, rotate-secret. Another user's source, or a malformed id, is 404. Accounts are
 * checked like orders' (the user may trade each); symbols must be instruments we know.
 */
@Injectable()
export class WebhookSourcesService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WebhookSourcesRepository) private readonly sources: WebhookSourcesRepository,
    @Inject(BrokerAccountsRepository) private readonly accounts: BrokerAccountsRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(SourceCache) private readonly cache: SourceCache,
  ) {}

  private async check(
    userId: string,
    accountIds: readonly string[] | undefined,
    symbols: readonly string[] | null | undefined,
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (accountIds) {
      const tradable = await this.accounts.tradableOf(userId, accountIds);
      accountIds.forEach((a, i) => {
        if (!tradable.has(a.toLowerCase())) errors.push({ field: `accountIds.${i}`, message: 'not one of your broker accounts' });
      });
    }
    if (symbols)
      for (const [i, s] of symbols.entries()) {
        const inst = await this.instruments.cachedBySymbol(s);
        if (!inst || inst.active === false) errors.push({ field: `symbols.${i}`, message: `no active instrument ${s}` });
      }
    if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', 'This webhook source cannot be saved', { fieldErrors: errors });
  }

  async create(userId: string, body: CreateWebhook, meta: RequestMeta): Promise<WebhookSourceWithSecretDto> {
    await this.check(userId, body.accountIds, body.symbols);
    const id = randomUUID();
    const secret = newSecret();
    const passphrase = body.passphrase ? newPassphrase() : null;
    const row = await this.db.tx(async (sql) => {
      const created = await this.sources.insert(sql, {
        id,
        ownerUserId: userId,
        name: body.name,
        secretCiphertext: this.cipher.encrypt(secret, webhookSecretAad(id)),
        secretKeyId: this.cipher.activeKeyId,
        passphraseMode: passphrase !== null,
        passphraseHash: passphrase === null ? null : passphraseHashOf(passphrase),
        split: body.engine.split,
        accountIds: body.accountIds.map((a) => a.toLowerCase()),
        symbols: body.symbols ?? null,
        limits: { ...DEFAULT_LIMITS, ...body.limits },
      });
      await this.audit.append(
        { actorId: userId, action: 'webhook_source.created', subject: `webhook_source:${id}`, details: this.auditDetails(created), meta },
        sql,
      );
      return created;
    });
    return { ...toSourceDto(row), secret, passphraseValue: passphrase };
  }

  async list(userId: string): Promise<{ items: WebhookSourceDto[] }> {
    return { items: (await this.sources.listOwned(userId)).map(toSourceDto) };
  }

  private async mine(sql: Sql, userId: string, id: string): Promise<WebhookSourceRow> {
    const row = UUID.test(id) ? await this.sources.owned(sql, userId, id, true) : undefined;
    if (!row) throw new DomainError('NOT_FOUND', 'No such webhook source');
    return row;
  }

  /** Changes what is given. Turning passphrase mode on issues a passphrase (in the answer, once). */
  async patch(
    userId: string,
    id: string,
    body: PatchWebhook,
    meta: RequestMeta,
  ): Promise<WebhookSourceDto & { passphraseValue?: string | null }> {
    if (!UUID.test(id)) throw new DomainError('NOT_FOUND', 'No such webhook source');
    await this.check(userId, body.accountIds, body.symbols);
    let passphrase: string | null = null;
    const row = await this.db.tx(async (sql) => {
      const current = await this.mine(sql, userId, id);
      const changes: SourceChanges = {
        name: body.name,
        split: body.engine?.split,
        accountIds: body.accountIds?.map((a) => a.toLowerCase()),
        symbols: body.symbols,
        limits: body.limits ? { ...current.limits, ...definedOnly(body.limits) } : undefined,
        enabled: body.enabled,
      };
      if (body.passphrase === true && !current.passphraseMode) {
        passphrase = newPassphrase();
        changes.passphrase = { mode: true, hash: passphraseHashOf(passphrase) };
      } else if (body.passphrase === false && current.passphraseMode) changes.passphrase = { mode: false, hash: null };
      const updated = await this.sources.update(sql, id, changes);
      await this.audit.append(
        { actorId: userId, action: 'webhook_source.updated', subject: `webhook_source:${id}`, details: this.auditDetails(updated), meta },
        sql,
      );
      return updated;
    });
    this.cache.invalidate(id.toLowerCase());
    return passphrase === null ? toSourceDto(row) : { ...toSourceDto(row), passphraseValue: passphrase };
  }

  async delete(userId: string, id: string, meta: RequestMeta): Promise<void> {
    if (!UUID.test(id)) throw new DomainError('NOT_FOUND', 'No such webhook source');
    await this.db.tx(async (sql) => {
      if (!(await this.sources.delete(sql, userId, id))) throw new DomainError('NOT_FOUND', 'No such webhook source');
      await this.audit.append(
        { actorId: userId, action: 'webhook_source.deleted', subject: `webhook_source:${id}`, details: {}, meta },
        sql,
      );
    });
    this.cache.invalidate(id.toLowerCase());
  }

  /** A new secret (shown once); the old one stops working at once. In passphrase mode, a new passphrase too. */
  async rotateSecret(userId: string, id: string, meta: RequestMeta): Promise<WebhookSourceWithSecretDto> {
    if (!UUID.test(id)) throw new DomainError('NOT_FOUND', 'No such webhook source');
    const secret = newSecret();
    let passphrase: string | null = null;
    const row = await this.db.tx(async (sql) => {
      const current = await this.mine(sql, userId, id);
      const changes: SourceChanges = {
        secret: { ciphertext: this.cipher.encrypt(secret, webhookSecretAad(id)), keyId: this.cipher.activeKeyId },
      };
      if (current.passphraseMode) {
        passphrase = newPassphrase();
        changes.passphrase = { mode: true, hash: passphraseHashOf(passphrase) };
      }
      const updated = await this.sources.update(sql, id, changes);
      await this.audit.append(
        {
          actorId: userId,
          action: 'webhook_source.secret_rotated',
          subject: `webhook_source:${id}`,
          details: { keyId: updated.secretKeyId },
          meta,
        },
        sql,
      );
      return updated;
    });
    this.cache.invalidate(id.toLowerCase());
    return { ...toSourceDto(row), secret, passphraseValue: passphrase };
  }

  // Never the secret, its ciphertext or the passphrase hash.
  private auditDetails(s: WebhookSourceRow): Record<string, unknown> {
    return {
      name: s.name,
      split: s.split,
      accountIds: s.accountIds,
      symbols: s.symbols,
      limits: s.limits,
      passphrase: s.passphraseMode,
      enabled: s.enabled,
    };
  }
}
