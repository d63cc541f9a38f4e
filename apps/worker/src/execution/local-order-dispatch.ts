import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { JOBS } from '@tradeloop/contracts';
import { JobProducer, LOGGER } from '@tradeloop/platform';
import { PlaceOrderUseCase, type OrderDispatch } from '@tradeloop/trading';
import { PlaceOrderHandler } from './place-order.handler';
import { BrokerSessions } from './broker-sessions';
import { OrderPartitions } from '../scale/order-partitions';

/**
 * The worker sends the orders it places itself — a risk exit's, a strategy's, a leg
 * convergence's — straight to their broker session (docs/architecture.md "Order path"): the same
 * PlaceOrderHandler a queued job runs, without the queue's round trip. A send that fails here (a
 * broker error worth retrying, a session not ready) goes to the queue, whose job retries with
 * backoff and looks the order up at the broker before sending again. A worker killed mid-send
 * leaves the order PENDING: the order reconciler puts it back on the queue, as for an order whose
 * job was never enqueued. Only an order whose account this worker serves is sent here (a paper
 * one on the market lease's holder, a live one on its partition's: docs/architecture.md
 * "Scale-out"); any other goes to its account's queue.
 */
@Injectable()
export class LocalOrderDispatch implements OrderDispatch, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(PlaceOrderUseCase) private readonly place: PlaceOrderUseCase,
    @Inject(PlaceOrderHandler) private readonly handler: PlaceOrderHandler,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(OrderPartitions) private readonly partitions: OrderPartitions,
  ) {}

  private servedHere(job: { accountId: string; broker: string }): boolean {
    return job.broker === 'mock' ? this.sessions.hasPaper : this.partitions.servesAccount(job.accountId);
  }

  onApplicationBootstrap(): void {
    this.place.dispatchVia(this);
  }

  dispatch(job: { orderId: string; accountId: string; broker: string }): void {
    const payload = { orderId: job.orderId, accountId: job.accountId, broker: job.broker };
    const queue = () =>
      this.jobs
        .enqueue(JOBS.placeOrder, payload, { jobId: `place_${job.orderId}` })
        .then(() => undefined)
        .catch((err: unknown) =>
          this.log.warn({ orderId: job.orderId, err: (err as Error).message }, 'order not queued; the order reconciler re-queues it'),
        );
    // Shutting down, or not this worker's account: the queue carries it (to the worker that serves it).
    const sent: Promise<void> =
      this.stopping || !this.servedHere(job)
        ? queue()
        : this.handler.handle(payload).then(
            () => undefined,
            () => queue(),
          );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Stops sending here and waits for the sends under way (before Postgres and Redis close). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.place.dispatchVia(null);
    await Promise.all([...this.inFlight]);
  }
}
