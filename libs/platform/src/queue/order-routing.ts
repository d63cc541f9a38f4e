import { JOB_QUEUE, QUEUES, type JobName } from '@tradeloop/contracts';

/**
 * Where an order job runs when the system has several workers (docs/architecture.md "Scale-out"):
 * - a paper account's job (the one mock broker, whose books are matched in one process) goes to
 *   PAPER_ORDERS_QUEUE, consumed only by the worker that holds the market lease;
 * - a live account's job goes to one of ORDER_PARTITIONS queues chosen by its account id, each
 *   consumed by one worker at a time (under a lease, rebalanced when workers come and go), so an
 *   account's jobs run in one process — its session, its rate limiter, its update socket — in
 *   the order they were queued;
 * - a job that does not name its account (a cancel or a modify carries the order id only) goes to
 *   the shared `orders` queue, which every worker consumes only to look the order up and forward
 *   the job, with its job id, to its account's queue.
 */
export const PAPER_ORDERS_QUEUE = 'orders-paper';
export const ROUTER_ORDERS_QUEUE: string = QUEUES.orders;

export const orderPartitionQueue = (partition: number): string => `orders-p${partition}`;

/** Every order queue of a deployment with `partitions` partitions (the router queue first). */
export function orderQueues(partitions: number): string[] {
  return [ROUTER_ORDERS_QUEUE, PAPER_ORDERS_QUEUE, ...Array.from({ length: partitions }, (_, i) => orderPartitionQueue(i))];
}

/** An order job's routing facts: its account, and its broker when known (`mock`: a paper account). */
export interface OrderRoute {
  readonly accountId?: string | undefined;
  readonly broker?: string | undefined;
}

export const isOrderJob = (name: JobName): boolean => JOB_QUEUE[name] === QUEUES.orders;

/** The account's partition: FNV-1a of its id, so every process (API and worker) agrees without asking anyone. */
export function partitionOf(accountId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i += 1) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** The queue an order job belongs on; the router queue when it does not name its account. */
export function orderQueueFor(route: OrderRoute, partitions: number): string {
  if (route.broker === 'mock') return PAPER_ORDERS_QUEUE;
  if (route.accountId) return orderPartitionQueue(partitionOf(route.accountId, partitions));
  return ROUTER_ORDERS_QUEUE;
}
