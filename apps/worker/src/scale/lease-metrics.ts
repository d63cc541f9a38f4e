import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { METRICS, type Metrics } from '@tradeloop/platform';

/**
 * The scale-out leases this worker holds, as `worker_leases_held{lease}` (1 held, 0 not), and the
 * worker's identity in them: the value of every lease key it holds, and its member id in the
 * worker roster (host, pid and a random part, so an operator reading Redis sees who holds what).
 */
@Injectable()
export class LeaseMetrics {
  readonly identity = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly gauge: Gauge<'lease'>;

  constructor(@Inject(METRICS) metrics: Metrics) {
    this.gauge = new Gauge({
      name: 'worker_leases_held',
      help: 'Scale-out leases this worker holds (market: feed, paper exchange, signals, strategies; orders-pN: an order partition; candle-compaction), 1 while held',
      labelNames: ['lease'] as const,
      registers: [metrics.registry],
    });
  }

  set(lease: string, held: boolean): void {
    this.gauge.set({ lease }, held ? 1 : 0);
  }
}
