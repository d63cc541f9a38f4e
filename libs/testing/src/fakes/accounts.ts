import { DomainError, type UserId } from '@tradeloop/domain';
import type { OrderAccount, TradingAccounts } from '@tradeloop/accounts';
import type { Sql } from '@tradeloop/platform';
import type { BrokerKind } from '@tradeloop/contracts';

/** The paper account id the fakes give a user (deterministic, uuid-shaped). */
export const fakePaperAccountId = (userId: string): string =>
  `00000000-0000-7000-8000-${userId.replace(/-/g, '').slice(-12).padStart(12, '0')}`;

interface FakeAccount {
  id: string;
  userId: string;
  kind: BrokerKind;
  name: string;
  status: 'connected' | 'needs_login' | 'error';
  disabled: boolean;
}

/** TradingAccounts in memory: every user has a connected paper account; live ones are added with `add`. */
export class FakeTradingAccounts implements Pick<TradingAccounts, 'forOrder' | 'forStrategy'> {
  readonly accounts = new Map<string, FakeAccount>();

  add(a: Omit<FakeAccount, 'status' | 'disabled'> & Partial<Pick<FakeAccount, 'status' | 'disabled'>>): FakeAccount {
    const account: FakeAccount = { status: 'connected', disabled: false, ...a };
    this.accounts.set(a.id, account);
    return account;
  }

  private find(userId: string, id: string): FakeAccount | undefined {
    if (id === fakePaperAccountId(userId)) return { id, userId, kind: 'paper', name: 'Paper', status: 'connected', disabled: false };
    const a = this.accounts.get(id);
    return a && a.userId === userId ? a : undefined;
  }

  forOrder(_sql: Sql, userId: UserId, accountId: string | undefined): Promise<OrderAccount> {
    const a = this.find(userId, accountId ?? fakePaperAccountId(userId));
    if (!a) return Promise.reject(new DomainError('NOT_FOUND', 'No such broker account'));
    if (a.disabled) return Promise.reject(new DomainError('ACCOUNT_DISABLED', `The broker account "${a.name}" is disabled`));
    if (a.status !== 'connected')
      return Promise.reject(new DomainError('BROKER_LOGIN_REQUIRED', `The broker account "${a.name}" needs a fresh broker login`));
    return Promise.resolve({ id: a.id, kind: a.kind, broker: a.kind === 'paper' ? 'mock' : a.kind, name: a.name });
  }

  forStrategy(_sql: Sql, userId: UserId, mode: 'paper' | 'live', accountId: string | undefined): Promise<string> {
    const refuse = (message: string) =>
      Promise.reject(new DomainError('VALIDATION_FAILED', `accountId: ${message}`, { fieldErrors: [{ field: 'accountId', message }] }));
    if (mode === 'paper' && accountId === undefined) return Promise.resolve(fakePaperAccountId(userId));
    if (accountId === undefined) return refuse('a live strategy needs the live broker account it trades');
    const a = this.find(userId, accountId);
    if (!a) return refuse('not one of your broker accounts');
    if ((mode === 'paper') !== (a.kind === 'paper')) return refuse(`a ${mode} strategy cannot trade a ${a.kind} account`);
    return Promise.resolve(a.id);
  }
}
