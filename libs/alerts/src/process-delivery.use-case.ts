import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { applyDeliveryEvent, routeEngine, type AlertEngine } from '@tradeloop/domain';
import { Db, LOGGER } from '@tradeloop/platform';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

export type ProcessOutcome = { outcome: 'routed'; engine: AlertEngine } | { outcome: 'already'; status: string } | { outcome: 'missing' };

/**
 * The worker's `alerts.process` (docs/alerts.md "Processing"), retried safely: every step is a
 * claim on the delivery's status, so a redelivered job (a crash, a retry, a second worker) finds
 * the step done and moves on. Today: `routed`, the engine chosen by the source's A/B split on a
 * hash of the delivery id. The engines' decision (`decided`) and the orders (`ordered`) are the
 * next steps; until they exist a delivery rests at `routed`.
 */
@Injectable()
export class ProcessDeliveryUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WebhookDeliveriesRepository) private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(deliveryId: string): Promise<ProcessOutcome> {
    const sql = this.db.sql;
    const row = await sql.maybeOne<{ status: string; engine: AlertEngine | null; split: string }>(
      `SELECT d.status, d.engine, s.split::text AS split FROM webhook_deliveries d JOIN webhook_sources s ON s.id = d.source_id WHERE d.id = $1`,
      [deliveryId],
    );
    // Deleted with its source while the job waited: nothing to do.
    if (!row) return { outcome: 'missing' };
    if (row.status !== 'deduplicated') return { outcome: 'already', status: row.status };
    const engine = routeEngine(deliveryId, Number(row.split));
    // The table allows it (deduplicated → routed); checked so the step can never skip one.
    applyDeliveryEvent(
      { status: 'deduplicated', engine: null, decision: null, rejectReason: null, duplicateOf: null },
      { type: 'ROUTED', engine },
    );
    const moved = await this.deliveries.advance(
      deliveryId,
      'deduplicated',
      'routed',
      { outcome: 'ok', detail: `engine ${engine} (split ${Number(row.split)}% to A)` },
      { engine },
      sql,
    );
    if (!moved) {
      const now = await this.deliveries.byId(deliveryId, sql);
      return now ? { outcome: 'already', status: now.status } : { outcome: 'missing' };
    }
    this.logger.debug({ deliveryId, engine }, 'alert delivery routed');
    return { outcome: 'routed', engine };
  }
}
