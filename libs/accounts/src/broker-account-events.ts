import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { NotificationEvents, RealtimePublisher } from '@tradeloop/platform';
import { BrokerAccountsRepository } from './broker-accounts.repository';

/**
 * Realtime `broker.account` `{ account, seq }` to everyone who sees the account (its owner and
 * assigned users), each with their own view (`isDefault` is per user). Call after commit: best
 * effort, the database is the truth (a lost event is a seq gap, the client re-fetches).
 */
@Injectable()
export class BrokerAccountEvents {
  constructor(
    @Inject(BrokerAccountsRepository) private readonly repo: BrokerAccountsRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(NotificationEvents) private readonly notifications: NotificationEvents,
  ) {}

  async changed(accountIds: Iterable<string>): Promise<void> {
    for (const id of new Set(accountIds)) {
      try {
        for (const userId of await this.repo.audienceOf(id)) {
          const account = await this.repo.findVisible(userId, id);
          if (account) await this.realtime.toUser(userId, REALTIME_EVENTS.brokerAccount, { account: account.view });
        }
      } catch {
        // Best effort (see above): the change is committed; clients re-read on a seq gap.
      }
    }
  }

  /**
   * Accounts whose broker session ended (needs_login) as notification events (docs/alerts.md
   * "Notifications") to everyone who sees them; keyed by the account and the change's time, so
   * the same change notifies once and the next day's expiry again. Call after commit.
   */
  async needsLogin(accountIds: Iterable<string>): Promise<void> {
    for (const id of new Set(accountIds)) {
      try {
        for (const userId of await this.repo.audienceOf(id)) {
          const account = await this.repo.findVisible(userId, id);
          if (!account || account.view.status !== 'needs_login') continue;
          const v = account.view;
          await this.notifications.emit({
            userId,
            key: `broker_login:${id}:${v.updatedAt}`,
            facts: { kind: 'broker_login', account: v.name, broker: v.kind, reason: v.statusReason ?? 'the broker session ended' },
          });
        }
      } catch {
        // Best effort (see above): the change is committed.
      }
    }
  }
}
