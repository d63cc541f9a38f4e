import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, formatMoney, parsePositiveMoney, type FieldError } from '@tradeloop/domain';
import {
  MAX_PAPER_ACCOUNTS,
  type BrokerAccount,
  type CreateBrokerAccountRequest,
  type UpdateBrokerAccountRequest,
} from '@tradeloop/contracts';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '@tradeloop/identity';
import { PaperBooks, SetPaperBalanceUseCase as LedgerSetPaperBalance } from '@tradeloop/wallet';
import { BrokerAccountsRepository, type AccountRecord } from './broker-accounts.repository';
import { BrokerAccountEvents } from './broker-account-events';
import { accountNotFound, credentialsHint, initialStatus, isAccountId, parseCredentials } from './broker-account-rules';
import { CredentialsCipher, secretAad } from './credentials-cipher';

// Broker accounts, one use case per operation (docs/api.md "Broker accounts").

/** Postgres: a row still referenced by another table's foreign key. */
const FOREIGN_KEY_VIOLATION = '23503';

/** Who is asking: their id, whether they are an admin (firm accounts), and request metadata for the audit log. */
export interface AccountActor {
  userId: string;
  isAdmin: boolean;
  meta?: RequestMeta;
}

/** Own or assigned accounts, plus firm accounts for admins: what an actor may act on. */
const findForActor = (
  repo: BrokerAccountsRepository,
  actor: AccountActor,
  id: string,
  sql?: Parameters<BrokerAccountsRepository['findVisible']>[3],
) => (isAccountId(id) ? repo.findVisible(actor.userId, id, { includeFirm: actor.isAdmin }, sql) : Promise.resolve(undefined));

/** Changing an account (name, credentials, disable, delete) is for its owner, or an admin for a firm account. */
function assertManages(actor: AccountActor, account: AccountRecord): void {
  const manages = account.ownerUserId === null ? actor.isAdmin : account.ownerUserId === actor.userId;
  if (!manages) throw new DomainError('FORBIDDEN', 'Only the owner of this account (an admin for a firm account) may change it');
}

/**
 * The caller's accounts (own, assigned; admins also see firm accounts): the primary paper account
 * first (created on first read), then oldest first.
 */
@Injectable()
export class ListBrokerAccountsQuery {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
  ) {}

  async execute(actor: AccountActor, now = new Date()): Promise<BrokerAccount[]> {
    const paper = (await this.repo.paperAccountOf(actor.userId)) ?? (await this.repo.ensurePaperAccount(actor.userId, uuidv7()));
    // Its paper book is opened with the starting balance on first use, so the view shows what can be paper traded.
    await this.paperBooks.balanceOf(paper, actor.userId);
    const expired = await this.repo.expireSessions(now, { userId: actor.userId });
    if (expired.length) await Promise.all([this.events.changed(expired), this.events.needsLogin(expired)]);
    return (await this.repo.listVisible(actor.userId, { includeFirm: actor.isAdmin })).map((a) => a.view);
  }
}

/** One account the caller sees (404 otherwise); a paper account's book is opened with the starting balance on first use. */
@Injectable()
export class GetBrokerAccountQuery {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
  ) {}

  async execute(actor: AccountActor, id: string): Promise<BrokerAccount> {
    const account = await findForActor(this.repo, actor, id);
    if (!account) throw accountNotFound();
    if (account.kind !== 'paper' || !account.ownerUserId) return account.view;
    const book = await this.paperBooks.balanceOf(account.id, account.ownerUserId);
    return { ...account.view, paperBalance: formatMoney(book.cash) };
  }
}

/**
 * A new live account: for the caller (unless USER_BROKER_ACCOUNTS=false, then admins only), or
 * with `assignedUserIds` (admins) a firm account assigned to those users. Credentials are
 * checked against the kind, encrypted, and only their masked form is ever shown. Audit in the
 * same transaction.
 *
 * A paper account (`kind: "paper"`, no credentials) is always the caller's own, whatever
 * USER_BROKER_ACCOUNTS says (it trades virtual money on the mock broker): an addition to their
 * primary one, with its own paper book opened at once with the starting balance, at most
 * MAX_PAPER_ACCOUNTS in all (409 beyond).
 */
@Injectable()
export class CreateBrokerAccountUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PaperBooks) private readonly paperBooks: PaperBooks,
  ) {}

  async execute(actor: AccountActor, input: CreateBrokerAccountRequest): Promise<BrokerAccount> {
    if (input.kind === 'paper') return this.addPaper(actor, input);
    const firm = input.assignedUserIds !== undefined;
    if (firm && !actor.isAdmin) throw new DomainError('FORBIDDEN', 'Only admins register firm accounts (assignedUserIds)');
    if (!firm && !actor.isAdmin && !this.config.USER_BROKER_ACCOUNTS) {
      throw new DomainError('FORBIDDEN', 'Adding your own broker accounts is turned off here; ask an admin to register one for you');
    }
    const credentials = parseCredentials(input.kind, input.credentials);
    const assigned = [...new Set(input.assignedUserIds ?? [])];
    if (assigned.length) {
      const known = await this.repo.existingUsers(assigned);
      const errors: FieldError[] = (input.assignedUserIds ?? [])
        .map((u, i) => ({ u, i }))
        .filter(({ u }) => !known.has(u))
        .map(({ i }) => ({ field: `assignedUserIds.${i}`, message: 'no such user' }));
      if (errors.length) throw new DomainError('VALIDATION_FAILED', 'Unknown users in assignedUserIds', { fieldErrors: errors });
    }
    const id = uuidv7();
    const ciphertext = this.cipher.encrypt(JSON.stringify(credentials), secretAad(id, 'credentials'));
    const { status, statusReason } = initialStatus(input.kind);
    const ownerUserId = firm ? null : actor.userId;
    await this.db.tx(async (sql) => {
      if (ownerUserId) await this.repo.ensurePaperAccount(ownerUserId, uuidv7(), sql);
      for (const u of assigned) await this.repo.ensurePaperAccount(u, uuidv7(), sql);
      await this.repo.insert(sql, {
        id,
        ownerUserId,
        kind: input.kind,
        name: input.name,
        status,
        statusReason,
        credentialsCiphertext: ciphertext,
        credentialsHint: credentialsHint(credentials),
        keyId: this.cipher.activeKeyId,
      });
      await this.repo.assign(sql, id, assigned);
      if (input.isDefault) for (const u of ownerUserId ? [ownerUserId] : assigned) await this.repo.setDefault(sql, u, id);
      await this.audit.append(
        {
          actorId: actor.userId,
          action: 'broker_account.created',
          subject: id,
          details: { kind: input.kind, name: input.name, firm, assignedUserIds: assigned, isDefault: input.isDefault === true },
          meta: actor.meta,
        },
        sql,
      );
    });
    await this.events.changed([id]);
    return (await this.repo.findVisible(actor.userId, id, { includeFirm: actor.isAdmin }))!.view;
  }

  /** Another paper account of the caller's own (their primary one is created first if it never was). */
  private async addPaper(actor: AccountActor, input: CreateBrokerAccountRequest): Promise<BrokerAccount> {
    if (input.assignedUserIds !== undefined)
      throw new DomainError('VALIDATION_FAILED', "A paper account is always its owner's own; it cannot be a firm account", {
        fieldErrors: [{ field: 'assignedUserIds', message: 'a paper account cannot be assigned' }],
      });
    parseCredentials('paper', input.credentials);
    const id = uuidv7();
    const { userId } = actor;
    await this.db.tx(async (sql) => {
      await this.repo.ensurePaperAccount(userId, uuidv7(), sql);
      const count = await this.repo.lockPaperAccounts(sql, userId);
      if (count >= MAX_PAPER_ACCOUNTS) {
        throw new DomainError(
          'CONFLICT',
          `You have ${count} paper accounts, the most there may be (${MAX_PAPER_ACCOUNTS}); delete one you no longer use first`,
        );
      }
      await this.repo.insert(sql, {
        id,
        ownerUserId: userId,
        kind: 'paper',
        name: input.name,
        status: 'connected',
        statusReason: null,
        credentialsCiphertext: null,
        credentialsHint: {},
        keyId: null,
      });
      // Its own paper book, opened now with the starting balance (as the primary's is on first use).
      await this.paperBooks.open(sql, id, userId);
      if (input.isDefault) await this.repo.setDefault(sql, userId, id);
      await this.audit.append(
        {
          actorId: actor.userId,
          action: 'broker_account.created',
          subject: id,
          details: { kind: 'paper', name: input.name, firm: false, assignedUserIds: [], isDefault: input.isDefault === true },
          meta: actor.meta,
        },
        sql,
      );
    });
    await this.events.changed([id]);
    return (await this.repo.findVisible(actor.userId, id))!.view;
  }
}

/**
 * Renames, replaces credentials (the broker session ends: log in again), makes it the caller's
 * default, or disables/enables. Changing it is for the owner (an admin for a firm account);
 * any user who sees it may make it their default. Nothing changes unless everything is valid.
 */
@Injectable()
export class UpdateBrokerAccountUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
  ) {}

  async execute(actor: AccountActor, id: string, input: UpdateBrokerAccountRequest): Promise<BrokerAccount> {
    const account = await findForActor(this.repo, actor, id);
    if (!account) throw accountNotFound();
    const changesAccount = input.name !== undefined || input.credentials !== undefined || input.disabled !== undefined;
    if (changesAccount) assertManages(actor, account);
    if (input.isDefault && account.ownerUserId !== actor.userId && !account.assignedUserIds.includes(actor.userId)) {
      throw new DomainError('FORBIDDEN', 'Only a user who trades this account may make it their default');
    }
    let credentials: Record<string, string> | null = null;
    if (input.credentials !== undefined) {
      if (account.kind === 'paper')
        throw new DomainError('VALIDATION_FAILED', 'A paper account takes no credentials', {
          fieldErrors: [{ field: 'credentials', message: 'a paper account has none' }],
        });
      credentials = parseCredentials(account.kind, input.credentials);
    }
    const changed: string[] = [];
    await this.db.tx(async (sql) => {
      if (!(await this.repo.lock(sql, id))) throw accountNotFound();
      if (input.name !== undefined && input.name !== account.name) {
        await this.repo.rename(sql, id, input.name);
        changed.push('name');
      }
      if (credentials) {
        const { status, statusReason } = initialStatus(account.kind);
        await this.repo.replaceCredentials(sql, id, {
          ciphertext: this.cipher.encrypt(JSON.stringify(credentials), secretAad(id, 'credentials')),
          hint: credentialsHint(credentials),
          keyId: this.cipher.activeKeyId,
          status,
          statusReason,
        });
        changed.push('credentials');
      }
      if (input.isDefault) {
        await this.repo.setDefault(sql, actor.userId, id);
        changed.push('isDefault');
      }
      if (input.disabled !== undefined && (await this.repo.setDisabled(sql, id, input.disabled))) {
        await this.audit.append(
          {
            actorId: actor.userId,
            action: input.disabled ? 'broker_account.disabled' : 'broker_account.enabled',
            subject: id,
            details: { by: 'owner' },
            meta: actor.meta,
          },
          sql,
        );
      }
      if (changed.length) {
        await this.audit.append(
          { actorId: actor.userId, action: 'broker_account.updated', subject: id, details: { changed }, meta: actor.meta },
          sql,
        );
      }
    });
    await this.events.changed([id]);
    return (await this.repo.findVisible(actor.userId, id, { includeFirm: actor.isAdmin }))!.view;
  }
}

/**
 * Deletes an account: never the primary paper account (409), never one with orders still working
 * or orders, positions or strategies on record (409). A paper account the user added may go like a
 * live one (its paper book stays in the ledger's history). Users whose default it was fall back to
 * their primary paper account.
 */
@Injectable()
export class DeleteBrokerAccountUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
  ) {}

  async execute(actor: AccountActor, id: string): Promise<void> {
    const account = await findForActor(this.repo, actor, id);
    if (!account) throw accountNotFound();
    assertManages(actor, account);
    if (account.primary) throw new DomainError('CONFLICT', 'The primary paper account cannot be deleted (every user has one)');
    const repoints: string[] = [];
    await this.deleteInTx(actor, account, repoints).catch((err: unknown) => {
      // Orders, trades or strategies on record name this account (a foreign key): its history stays.
      if ((err as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) {
        throw new DomainError('CONFLICT', 'This account has orders, positions or strategies on record; disable it instead of deleting it');
      }
      throw err;
    });
    await this.events.changed(repoints);
  }

  private deleteInTx(actor: AccountActor, account: AccountRecord, repoints: string[]): Promise<void> {
    const { id } = account;
    return this.db.tx(async (sql) => {
      if (!(await this.repo.lock(sql, id))) throw accountNotFound();
      if (await this.repo.hasOpenOrders(id, sql)) {
        throw new DomainError('CONFLICT', 'This account has orders still working; cancel them (or let them finish) before deleting it');
      }
      const { orphanedDefaults } = await this.repo.delete(sql, id);
      for (const u of orphanedDefaults) {
        const paper = await this.repo.ensurePaperAccount(u, uuidv7(), sql);
        await this.repo.setDefault(sql, u, paper);
        repoints.push(paper);
      }
      await this.audit.append(
        {
          actorId: actor.userId,
          action: 'broker_account.deleted',
          subject: id,
          details: { kind: account.kind, name: account.name },
          meta: actor.meta,
        },
        sql,
      );
    });
  }
}

/**
 * Sets the virtual balance of the caller's paper account (a decimal rupee amount; paise, no
 * floats). The paper book of the ledger is the one truth of it (docs/domain.md "Accounts and
 * books"): the wallet's SetPaperBalanceUseCase posts the SET_BALANCE and records the audit event in
 * one transaction; this checks the account first (404 unseen, 409 not paper, 403 not the owner).
 * Each request is its own key: setting an absolute amount twice moves nothing the second time.
 */
@Injectable()
export class SetPaperBalanceUseCase {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(LedgerSetPaperBalance) private readonly ledger: LedgerSetPaperBalance,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
  ) {}

  async execute(actor: AccountActor, id: string, amount: string): Promise<BrokerAccount> {
    parsePositiveMoney(amount, 'amount');
    const account = await findForActor(this.repo, actor, id);
    if (!account) throw accountNotFound();
    if (account.kind !== 'paper') throw new DomainError('CONFLICT', 'Only a paper account has a virtual balance');
    assertManages(actor, account);
    await this.ledger.execute(id, account.ownerUserId!, amount, `broker-account-${uuidv7()}`, actor.meta ?? {});
    await this.events.changed([id]);
    return (await this.repo.findVisible(actor.userId, id))!.view;
  }
}

/** An admin's view of one user's accounts (own and assigned; never secrets). 404 for an unknown user. */
@Injectable()
export class AdminListUserBrokerAccountsQuery {
  constructor(@Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository) {}

  async execute(userId: string): Promise<BrokerAccount[]> {
    if (!isAccountId(userId) || !(await this.repo.existingUsers([userId])).has(userId)) throw new DomainError('NOT_FOUND', 'No such user');
    await this.repo.ensurePaperAccount(userId, uuidv7());
    return (await this.repo.listVisible(userId)).map((a) => a.view);
  }
}

/** An admin disables (or enables) any account; orders for a disabled account are refused. Audited. */
@Injectable()
export class AdminSetBrokerAccountDisabledUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountEvents) private readonly events: BrokerAccountEvents,
  ) {}

  async execute(actor: AccountActor, id: string, disabled: boolean): Promise<BrokerAccount> {
    if (!isAccountId(id)) throw accountNotFound();
    const changed = await this.db.tx(async (sql) => {
      if (!(await this.repo.lock(sql, id))) throw accountNotFound();
      const did = await this.repo.setDisabled(sql, id, disabled);
      if (did) {
        await this.audit.append(
          {
            actorId: actor.userId,
            action: disabled ? 'broker_account.disabled' : 'broker_account.enabled',
            subject: id,
            details: { by: 'admin' },
            meta: actor.meta,
          },
          sql,
        );
      }
      return did;
    });
    if (changed) await this.events.changed([id]);
    // The admin's view when they see it (own, assigned, firm), else its owner's (or first assigned user's) view, without their default flag.
    const own = await this.repo.findVisible(actor.userId, id, { includeFirm: true });
    if (own) return own.view;
    const [first] = await this.repo.audienceOf(id);
    const account = first ? await this.repo.findVisible(first, id) : undefined;
    if (!account) throw accountNotFound();
    return { ...account.view, isDefault: false };
  }
}
