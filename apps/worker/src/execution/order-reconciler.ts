import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS } from '@tradeloop/contracts';
import { JobProducer, LOGGER } from '@tradeloop/platform';
import { TradingRepository } from '@tradeloop/trading';
import { BrokerSessions } from './broker-sessions';
import { OrderPartitions } from '../scale/order-partitions';

const EVERY_MS = 10_000;

/**
 * Brings our orders in line with the brokers' truth, at start and every 10 s: each account's
 * session reads its broker's book and applies it (a fill pushed while we were down, or lost, is
 * applied now — once); a PENDING order that has waited is put back on the queue (its job looks it
 * up by tag before sending anything). This is what makes a worker killed between the broker's
 * acceptance and our database write end in exactly the broker's truth.
 *
 * Each worker reconciles the orders of the accounts it serves (docs/architecture.md "Scale-out"):
 * the paper ones where it holds the market lease, the live ones of its partitions. So a worker
 * that takes over a dead one's lease reconciles what that one left.
 */
@Injectable()
export class OrderReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OrderPartitions) private readonly partitions: OrderPartitions,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'order reconciliation failed; next round retries'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, EVERY_MS);
        });
    };
    this.timer = setTimeout(tick, 500);
  }

  async runOnce(olderThanMs = 2_000): Promise<{ checked: number; requeued: number }> {
    const orders = (await this.trading.unfinished(olderThanMs)).filter((o) =>
      o.broker === 'mock' ? this.sessions.hasPaper : this.partitions.servesAccount(o.account_id),
    );
    let requeued = 0;
    const atBroker = new Map<Awaited<ReturnType<BrokerSessions['forOrder']>>, { id: string; brokerOrderIds: string[] }[]>();
    for (const o of orders) {
      if (o.broker_order_ids.length === 0) {
        // A fresh job id: the original (completed or failed) one would be ignored by the queue.
        await this.jobs.enqueue(
          JOBS.placeOrder,
          { orderId: o.id, accountId: o.account_id, broker: o.broker },
          { jobId: `place_${o.id}_r${Date.now()}` },
        );
        requeued += 1;
        continue;
      }
      // An account that cannot trade now (it needs a login) is skipped: its orders wait for the next login.
      const session = await this.sessions.forOrder(o.id, { accountId: o.account_id, broker: o.broker }).catch(() => null);
      if (!session) continue;
      const list = atBroker.get(session) ?? [];
      list.push({ id: o.id, brokerOrderIds: o.broker_order_ids });
      atBroker.set(session, list);
    }
    for (const [session, list] of atBroker) {
      try {
        await session.reconcile(list);
      } catch (err) {
        // One broker being down does not hold up the others.
        this.logger.warn(
          { err: (err as Error).message, broker: session.adapter.broker },
          'reconciliation of an account failed; next round retries',
        );
      }
    }
    return { checked: orders.length, requeued };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
