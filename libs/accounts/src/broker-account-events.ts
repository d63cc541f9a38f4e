import { Inject, Injectable } from '@nestjs/common';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import { RealtimePublisher } from '@tradeloop/platform';
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
}
