import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, REDIS, type AppConfig } from '@tradeloop/platform';

/**
 * Pub/sub for the alert exit engine (docs/alerts.md "Exit engine"), as the watchlist's leg-change
 * notes: `{ positions, exits }` — alert positions to re-read (opened, or their order changed) and
 * exits whose order changed — for the worker that holds the engine's lease. A lost note is caught
 * by the engine's periodic reload and resend.
 */
export const alertExitNotesChannel = (prefix: string): string => `${prefix}:alerts:exit-notes`;

export interface AlertExitNote {
  positions: string[];
  exits: string[];
}

const ids = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length <= 64).slice(0, 1_000) : [];

export function parseAlertExitNote(message: string): AlertExitNote {
  try {
    const m = JSON.parse(message) as Partial<AlertExitNote> | null;
    return { positions: ids(m?.positions), exits: ids(m?.exits) };
  } catch {
    return { positions: [], exits: [] };
  }
}

@Injectable()
export class AlertExitNotes {
  private readonly channel: string;
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = alertExitNotesChannel(config.REDIS_PREFIX);
  }

  /** Best effort: the engine's periodic reload is the safety net. */
  async publish(note: Partial<AlertExitNote>): Promise<void> {
    const body: AlertExitNote = { positions: [...(note.positions ?? [])], exits: [...(note.exits ?? [])] };
    if (body.positions.length === 0 && body.exits.length === 0) return;
    await this.redis.publish(this.channel, JSON.stringify(body)).catch(() => undefined);
  }
}
