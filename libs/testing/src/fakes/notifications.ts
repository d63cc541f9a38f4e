import type { NotificationEvent, NotificationEvents } from '@tradeloop/platform';
import type { FakeDb } from './db';

/** The NotificationEvents port as a list of what was emitted, and how many transactions were open then (should be 0: after commit). */
export class FakeNotificationEvents implements Pick<NotificationEvents, 'emit'> {
  readonly emitted: (NotificationEvent & { openTransactions: number })[] = [];

  constructor(private readonly db?: FakeDb) {}

  async emit(events: NotificationEvent | readonly NotificationEvent[]): Promise<void> {
    const list = Array.isArray(events) ? (events as readonly NotificationEvent[]) : [events as NotificationEvent];
    for (const e of list) this.emitted.push({ ...structuredClone(e), openTransactions: this.db?.openTransactions ?? 0 });
  }
}
