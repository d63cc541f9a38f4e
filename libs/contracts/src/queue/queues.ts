import { z } from 'zod';
import { ROLES } from '@tradeloop/domain';
import { NotificationFactsSchema } from '../notifications/notifications.schema';

/**
 * Queues and job names are constants shared by producers (api) and consumers (worker); the
 * worker refuses to start unless every job name below has exactly one handler.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  /** Order commands for the execution engine; job id = order id (+ command), so a retry never duplicates. */
  orders: 'orders',
  /** Backtests: long CPU-bound jobs, kept apart so they never delay orders. Job id = backtest id. */
  backtests: 'backtests',
  /** Notifications (docs/alerts.md "Notifications"): emitted events and their deliveries, apart so a slow SMTP server never delays orders. */
  notifications: 'notifications',
  /** Webhook deliveries (docs/alerts.md "Processing"): job id = delivery id, so an alert is processed once. */
  alerts: 'alerts',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  purgeExpiredSessions: 'maintenance.purge-expired-sessions',
  placeOrder: 'orders.place',
  cancelOrder: 'orders.cancel',
  modifyOrder: 'orders.modify',
  /** An order update a broker pushed to us (a verified Kite postback), for the execution engine to apply. */
  brokerUpdate: 'orders.broker-update',
  /** The daily broker reconciliation (docs/domain.md, "Accounts and books (second wave)"): every connected live account, or one. */
  brokerReconciliation: 'maintenance.broker-reconciliation',
  /** The daily instrument masters import (docs/brokers.md, "Instrument masters"): Kite, Upstox and OpenAlgo, or one. */
  instrumentMasters: 'maintenance.instrument-masters',
  /** Watchlist trading (docs/watchlist-trading.md): re-run one leg's delta on one account after one of its orders changed. */
  legsConverge: 'legs.converge',
  /** Run one stored backtest (docs/backtests.md "Runs, storage and API"). */
  runBacktest: 'backtests.run',
  /** A notifiable event happened (NotificationEvents.emit): store the notification, tell the user's sockets, queue a delivery per channel. */
  notifyEvent: 'notifications.event',
  /** Send one outbox row (docs/alerts.md "Notifications"): job id = delivery id + attempt, so an attempt runs once. */
  deliverNotification: 'notifications.deliver',
  /** Process one accepted webhook delivery (docs/alerts.md "Processing"): route, decide, order. */
  processAlert: 'alerts.process',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/**
 * `POST /admin/jobs/broker-reconciliation`'s body, and the job's payload. Always today's IST
 * trading day: a broker's order and trade books hold only today's.
 */
export const BrokerReconciliationRequestSchema = z.strictObject({
  /** One account only; every live account when absent. */
  accountId: z.uuid().optional(),
});

/** The brokers whose instrument masters we import. */
export const INSTRUMENT_MASTER_SOURCES = ['kite', 'upstox', 'openalgo'] as const;

/** `POST /admin/jobs/instrument-masters`'s body, and the job's payload: one source, or every one. */
export const InstrumentMastersRequestSchema = z.strictObject({
  source: z.enum(INSTRUMENT_MASTER_SOURCES).optional(),
});

/** Payload schemas: job payloads carry ids and parameters only; state lives in the database. */
export const JOB_PAYLOADS = {
  [JOBS.purgeExpiredSessions]: z.strictObject({
    /** Sessions expired or revoked longer ago than this are deleted. */
    olderThanHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
  }),
  [JOBS.placeOrder]: z.strictObject({
    orderId: z.uuid(),
    /** The order's account and broker as intake recorded them (they never change): the worker picks the session without reading the order. */
    accountId: z.uuid().optional(),
    broker: z.string().max(20).optional(),
  }),
  [JOBS.cancelOrder]: z.strictObject({ orderId: z.uuid() }),
  [JOBS.modifyOrder]: z.strictObject({ orderId: z.uuid() }),
  [JOBS.brokerUpdate]: z.discriminatedUnion('source', [
    z.strictObject({
      accountId: z.uuid(),
      source: z.literal('kite-postback'),
      /** The broker's message as received (checksum already verified). */
      body: z.record(z.string(), z.unknown()),
    }),
    /** Upstox's webhook is unsigned: only a hint that our order changed; the worker re-reads it over REST. */
    z.strictObject({
      accountId: z.uuid(),
      source: z.literal('upstox-webhook'),
      orderId: z.uuid(),
    }),
  ]),
  [JOBS.brokerReconciliation]: BrokerReconciliationRequestSchema,
  [JOBS.instrumentMasters]: InstrumentMastersRequestSchema,
  [JOBS.legsConverge]: z.strictObject({
    legId: z.uuid(),
    accountId: z.uuid(),
    cause: z.enum(['filled', 'cancelled', 'rejected', 'expired', 'changed', 'sweep']),
  }),
  [JOBS.runBacktest]: z.strictObject({ backtestId: z.uuid() }),
  [JOBS.notifyEvent]: z.union([
    z.strictObject({
      userId: z.uuid(),
      /** Names the event once per user: the same key twice is one notification. */
      key: z.string().min(1).max(300),
      facts: NotificationFactsSchema,
    }),
    /** Every enabled user holding one of the roles (model drift: quants and admins). */
    z.strictObject({
      roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
      key: z.string().min(1).max(300),
      facts: NotificationFactsSchema,
    }),
  ]),
  [JOBS.deliverNotification]: z.strictObject({ deliveryId: z.uuid(), attempt: z.number().int().min(1).max(1_000) }),
  [JOBS.processAlert]: z.strictObject({ deliveryId: z.uuid() }),
} as const satisfies Record<JobName, z.ZodType>;
export type JobPayload<J extends JobName> = z.infer<(typeof JOB_PAYLOADS)[J]>;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JOBS.purgeExpiredSessions]: QUEUES.maintenance,
  [JOBS.placeOrder]: QUEUES.orders,
  [JOBS.cancelOrder]: QUEUES.orders,
  [JOBS.modifyOrder]: QUEUES.orders,
  [JOBS.brokerUpdate]: QUEUES.orders,
  [JOBS.brokerReconciliation]: QUEUES.maintenance,
  [JOBS.instrumentMasters]: QUEUES.maintenance,
  [JOBS.legsConverge]: QUEUES.orders,
  [JOBS.runBacktest]: QUEUES.backtests,
  [JOBS.notifyEvent]: QUEUES.notifications,
  [JOBS.deliverNotification]: QUEUES.notifications,
  [JOBS.processAlert]: QUEUES.alerts,
};
