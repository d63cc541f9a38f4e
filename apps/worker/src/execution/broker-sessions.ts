import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { OrderExecution } from '@tradeloop/brokers';
import { APP_CONFIG, LOGGER, type AppConfig } from '@tradeloop/platform';
import { PgExecutionBook } from '@tradeloop/trading';
import { MockFeedBridge } from './mock-feed.bridge';

/**
 * The execution protocol instance per broker account this worker trades through
 * (libs/brokers `OrderExecution`: send once, adopt, combine slices, dedup, reconcile), each with
 * its own adapter, rate limiter and update subscription. The engine asks for an order's account's
 * session and never learns which broker is behind it. Paper accounts all trade through the one
 * mock broker, so they share its session.
 */
@Injectable()
export class BrokerSessions implements OnModuleInit, OnApplicationShutdown {
  private paper!: OrderExecution;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MockFeedBridge) private readonly mock: MockFeedBridge,
    @Inject(PgExecutionBook) private readonly book: PgExecutionBook,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.paper = new OrderExecution(await this.mock.ready, this.book, {
      onError: (err, context) => this.logger.error({ err, ...context }, 'could not apply a broker update; the reconciler will retry'),
      // Fault tests: die exactly between the broker's acceptance and our write.
      afterBrokerAccept:
        this.config.FAULT_INJECTION === 'crash-after-broker-accept' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
    });
    this.paper.start();
  }

  /** The session that trades an order's account. */
  forOrder(_orderId: string): Promise<OrderExecution> {
    return Promise.resolve(this.paper);
  }

  /** Every open session, for reconciliation. */
  all(): OrderExecution[] {
    return [this.paper];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.all().map((s) => s.stop()));
  }
}
