import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JOBS } from '@tradeloop/contracts';
import { DomainError, isTerminalStatus } from '@tradeloop/domain';
import { JobProducer } from '@tradeloop/platform';
import { TradingRepository } from './trading.repository';

/** Upstox order ids are digits and dashes ("250101000000001", "1711034450000-1"); we take word characters, dots and dashes. */
const BROKER_ORDER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `POST /brokers/upstox/webhook` (no bearer: Upstox posts the same JSON as its portfolio stream).
 * Upstox signs nothing (docs/brokers.md 2.4), so nothing in the body is believed: it only says
 * which order to look at. When the `order_id` is one of our unfinished orders on an Upstox
 * account, the worker is asked to re-read that order over REST (`brokerUpdate`,
 * `upstox-webhook`), and what Upstox answers there is applied like any other update. An unknown
 * or finished order does nothing (and says nothing either way); a body without an order id is a
 * 400. Repeats of one message make one job (deduplicated on the order and the message's status
 * and filled quantity), so a flood of copies costs one REST read.
 */
@Injectable()
export class ReceiveUpstoxWebhookUseCase {
  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(JobProducer) private readonly jobs: JobProducer,
  ) {}

  async execute(body: unknown): Promise<{ received: true }> {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    if (!fields) throw new DomainError('VALIDATION_FAILED', 'The webhook body must be a JSON object');
    // Position, holding and GTT updates come the same way; only order updates concern an order.
    if (fields['update_type'] !== undefined && fields['update_type'] !== 'order') return { received: true };
    const brokerOrderId = fields['order_id'];
    if (typeof brokerOrderId !== 'string' || !BROKER_ORDER_ID.test(brokerOrderId)) {
      throw new DomainError('VALIDATION_FAILED', 'order_id must be an Upstox order id', {
        fieldErrors: [{ field: 'order_id', message: 'must be an Upstox order id (1–64 letters, digits, dots, dashes)' }],
      });
    }
    const order = await this.trading.orderOfBrokerId('upstox', brokerOrderId);
    if (!order || isTerminalStatus(order.status)) return { received: true };
    const digest = createHash('sha256')
      .update(`${order.id}|${brokerOrderId}|${String(fields['status'])}|${String(fields['filled_quantity'])}`)
      .digest('hex')
      .slice(0, 32);
    await this.jobs.enqueue(
      JOBS.brokerUpdate,
      { accountId: order.account_id, source: 'upstox-webhook', orderId: order.id },
      { jobId: `broker-update_${digest}` },
    );
    return { received: true };
  }
}
