import type { BrokerOrder } from './broker-adapter.port';

/** How long a broker socket client waits between reconnect attempts. */
export interface ReconnectBackoff {
  /** First retry waits about this long (before jitter). Default 500 ms. */
  readonly initialMs: number;
  /** Cap. Default 30 s. */
  readonly maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoff = Object.freeze({ initialMs: 500, maxMs: 30_000 });

/**
 * The wait before reconnect attempt `attempt` (1, 2, …): the capped exponential
 * `min(maxMs, initialMs × 2^(attempt−1))`, then "equal jitter" — half of it fixed, half drawn
 * from `random()` in [0, 1) — so a fleet of accounts dropped together does not come back in step.
 */
export function reconnectDelayMs(attempt: number, backoff: ReconnectBackoff, random: () => number): number {
  const exp = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(exp / 2 + (exp / 2) * r);
}

/** Why a broker socket client dropped its connection. */
export type SocketDisconnectReason = 'close' | 'stall' | 'error' | 'auth';

/** The connection events every broker socket client emits (it adds its own payload events). */
export interface SocketLifecycleEvents {
  connect: [info: { readonly attempt: number; readonly reconnect: boolean }];
  disconnect: [info: { readonly reason: SocketDisconnectReason; readonly code: number | null; readonly detail: string }];
  reconnect: [info: { readonly attempt: number; readonly delayMs: number }];
  order: [order: BrokerOrder];
  problem: [error: unknown];
}
