import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, REDIS, type AppConfig } from '@tradeloop/platform';

/**
 * Pub/sub: a JSON array of leg ids whose orders, targets or settings snapshot changed, for the
 * worker's exit engine to reload (docs/watchlist-trading.md, "Per-unit exits"). A lost note is
 * caught by the engine's periodic reload.
 */
export const legChangesChannel = (prefix: string): string => `${prefix}:wl:legs`;

export function parseLegChangeNote(message: string): string[] {
  try {
    const ids: unknown = JSON.parse(message);
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string' && x.length <= 64) : [];
  } catch {
    return [];
  }
}

@Injectable()
export class LegChangeNotes {
  private readonly channel: string;
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = legChangesChannel(config.REDIS_PREFIX);
  }

  /** Best effort: the engine's periodic reload is the safety net. */
  async publish(legIds: readonly string[]): Promise<void> {
    if (legIds.length === 0) return;
    await this.redis.publish(this.channel, JSON.stringify(legIds)).catch(() => undefined);
  }
}
