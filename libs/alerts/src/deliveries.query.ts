import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Page, WebhookDeliveryDto } from '@tradeloop/contracts';
import { DomainError } from '@tradeloop/domain';
import { cursorCodec, Db } from '@tradeloop/platform';
import { WebhookDeliveriesRepository, type DeliveryRow } from './webhook-deliveries.repository';
import { WebhookSourcesRepository } from './webhook-sources.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = cursorCodec('webhook-deliveries', [z.iso.datetime(), z.uuid()]);

export const toDeliveryDto = (d: DeliveryRow): WebhookDeliveryDto => ({
  id: d.id,
  sourceId: d.sourceId,
  receivedAt: d.receivedAt.toISOString(),
  status: d.status,
  httpStatus: d.httpStatus,
  rejectReason: d.rejectReason,
  duplicateOf: d.duplicateOf,
  alertId: d.alertId,
  bodySha256: d.bodySha256,
  rawBody: d.rawBody,
  rawBodyTruncated: d.rawBodyTruncated,
  payload: d.payload,
  engine: d.engine,
  decision: d.decision,
  shadowDecision: d.shadowDecision,
  orderIds: d.orderIds,
  steps: d.steps,
});

/** GET /api/v1/webhooks/:id/deliveries: the user's source's deliveries with their steps, newest first (another's source: 404). */
@Injectable()
export class ListDeliveriesQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(WebhookSourcesRepository) private readonly sources: WebhookSourcesRepository,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(userId: string, sourceId: string, q: { limit: number; cursor?: string }): Promise<Page<WebhookDeliveryDto>> {
    const sql = this.db.sql;
    if (!UUID.test(sourceId) || !(await this.sources.owned(sql, userId, sourceId)))
      throw new DomainError('NOT_FOUND', 'No such webhook source');
    const after = q.cursor === undefined ? null : CURSOR.decode(q.cursor);
    const rows = await this.deliveries.listForSource(sourceId, q.limit + 1, after && { receivedAt: after[0], id: after[1] }, sql);
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return {
      items: items.map(toDeliveryDto),
      nextCursor: rows.length > q.limit && last ? CURSOR.encode([last.receivedAt.toISOString(), last.id]) : null,
    };
  }
}
