import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type UserId } from '@tradeloop/domain';
import type { BrokerKind } from '@tradeloop/contracts';
import type { Sql } from '@tradeloop/platform';
import { BrokerAccountsRepository } from './broker-accounts.repository';

/** The broker an account's orders go to: paper accounts trade the mock broker. */
export const brokerOfKind = (kind: BrokerKind): string => (kind === 'paper' ? 'mock' : kind);

/** The account an order goes through, as intake records it. */
export interface OrderAccount {
  id: string;
  kind: BrokerKind;
  /** Recorded on the order (`order.broker`). */
  broker: string;
  name: string;
}

/**
 * Which account an order goes to (docs/api.md "Broker accounts": `accountId`, the default account when
 * absent), checked inside the order's own transaction: an account the user neither owns nor is
 * assigned is NOT_FOUND (404, as if it did not exist); a disabled one ACCOUNT_DISABLED and one
 * whose broker session has ended BROKER_LOGIN_REQUIRED (both 409, naming the account). The row is
 * read FOR SHARE, so an account cannot be disabled or deleted between this check and the commit.
 */
@Injectable()
export class TradingAccounts {
  constructor(@Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository) {}

  async forOrder(sql: Sql, userId: UserId, accountId: string | undefined): Promise<OrderAccount> {
    // The named account, or the default, in one statement. A user with no default at all (never
    // listed their accounts) gets their primary paper account created first, once; a default they may no
    // longer trade is a 404 like any other account, never a silent switch to paper.
    let a = await this.repo.tradable(sql, userId, accountId ?? null);
    if (!a && accountId === undefined && (await this.repo.defaultOf(userId, sql)) === undefined)
      a = await this.repo.tradable(sql, userId, await this.repo.ensurePaperAccount(userId, uuidv7(), sql));
    if (!a)
      throw new DomainError('NOT_FOUND', 'No such broker account', {
        fieldErrors: [{ field: 'accountId', message: 'not one of your broker accounts' }],
      });
    if (a.disabled)
      throw new DomainError('ACCOUNT_DISABLED', `The broker account "${a.name}" is disabled`, { context: { accountId: a.id } });
    if (a.status !== 'connected') {
      const why = a.status === 'needs_login' ? 'needs a fresh broker login' : `is in error (${a.statusReason ?? 'unknown'})`;
      throw new DomainError('BROKER_LOGIN_REQUIRED', `The broker account "${a.name}" ${why}: log in to it again, then retry`, {
        context: { accountId: a.id, status: a.status },
      });
    }
    return { id: a.id, kind: a.kind, broker: brokerOfKind(a.kind), name: a.name };
  }

  /**
   * The account a new strategy trades: for `paper` its owner's primary paper account, or the one
   * named, which must be one of their paper accounts; for `live` the named account, which must be a live one the user may trade.
   * A wrong choice is a 400 naming `accountId`.
   */
  async forStrategy(sql: Sql, userId: UserId, mode: 'paper' | 'live', accountId: string | undefined): Promise<string> {
    const refuse = (message: string): never => {
      throw new DomainError('VALIDATION_FAILED', `accountId: ${message}`, { fieldErrors: [{ field: 'accountId', message }] });
    };
    if (mode === 'paper' && accountId === undefined) return this.repo.ensurePaperAccount(userId, uuidv7(), sql);
    if (accountId === undefined) return refuse('a live strategy needs the live broker account it trades');
    const a = await this.repo.tradable(sql, userId, accountId);
    if (!a) return refuse('not one of your broker accounts');
    if (mode === 'paper' && a.kind !== 'paper') return refuse('a paper strategy trades one of your paper accounts');
    if (mode === 'live' && a.kind === 'paper') return refuse('a live strategy trades a live broker account, not a paper one');
    return a.id;
  }
}
