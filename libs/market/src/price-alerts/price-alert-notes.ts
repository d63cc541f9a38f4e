import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, REDIS, type AppConfig } from '@tradeloop/platform';

/**
 * Pub/sub for the price alert engine (docs/alerts.md "Price alerts"): `{ alerts }` — alerts
 * created or deleted, for the worker that holds the engine's lease to re-read. A lost note is
 * caught by the engine's periodic full reload.
 */
export const priceAlertNotesChannel = (prefix: string): string => `${prefix}:price-alerts:notes`;

export function parsePriceAlertNote(message: string): string[] {
  try {
    const m = JSON.parse(message) as { alerts?: unknown } | null;
    return Array.isArray(m?.alerts) ? m.alerts.filter((x): x is string => typeof x === 'string' && x.length <= 64).slice(0, 1_000) : [];
  } catch {
    return [];
  }
}

@Injectable()
export class PriceAlertNotes {
  private readonly channel: string;
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = priceAlertNotesChannel(config.REDIS_PREFIX);
  }

  /** Best effort: the engine's periodic reload is the safety net. */
  async publish(alerts: readonly string[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.redis.publish(this.channel, JSON.stringify({ alerts })).catch(() => undefined);
  }
}
