import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isTerminalStatus } from '@tradeloop/domain';
import { APP_CONFIG, LOGGER, REDIS, type AppConfig } from '@tradeloop/platform';
import { ExecutionService, type LegOrderChange } from '@tradeloop/trading';
import { KiteStandingExits, type StandingExitSyncOutcome } from '@tradeloop/watchlist-trading';
import { BrokerSessions } from '../execution/broker-sessions';
import { LeaderLease } from '../risk/leader-lease';
import { LeaderSweep } from '../risk/leader-sweep';

/** How often the active triggers are read back from the broker (a fired one is adopted as the leg's exit). */
export const STANDING_EXITS_SWEEP_MS = 3_000;
const LEASE_TTL_MS = 15_000;

/**
 * Standing exits in the worker (docs/watchlist-trading.md, "Standing exits"):
 * - every committed fill or end of a leg's order in this process's execution engine syncs that
 *   leg's standing exit on that account (placed when a position opens, modified when it grows or
 *   shrinks, deleted when it is flat), one sync at a time per leg and account;
 * - a sweep every few seconds, on one worker at a time (a Redis lease), reads each account's GTT
 *   book once (Kite's REST limits are per second): a trigger no longer active there is synced — one
 *   Kite fired is adopted as the leg's exit on that account and its order reconciled at once (its
 *   fill applied), so the leg ends flat there with exactly one exit order.
 */
@Injectable()
export class StandingExitsWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps: LeaderSweep;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listener = (change: LegOrderChange): void => {
    if (change.fills === 0 && !isTerminalStatus(change.status)) return;
    void this.syncOne(change.legId, change.accountId, 'order');
  };

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(KiteStandingExits) private readonly standing: KiteStandingExits,
    @Inject(BrokerSessions) private readonly sessions: BrokerSessions,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    const lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:standing-exits:leader`, LEASE_TTL_MS);
    this.sweeps = new LeaderSweep(lease, STANDING_EXITS_SWEEP_MS, (stopped) => this.sweep(stopped), log, 'standing exits sweep');
  }

  onApplicationBootstrap(): void {
    this.execution.legOrderListeners.add(this.listener);
    this.sweeps.start();
  }

  /** One sweep: each account's GTT book read once; a trigger no longer active there is synced (adopted when it fired). */
  async sweep(stopped: () => boolean = () => false): Promise<number> {
    const pairs = await this.standing.changedPairs();
    for (const p of pairs) {
      if (stopped()) break;
      await this.syncOne(p.legId, p.accountId, 'sweep');
    }
    return pairs.length;
  }

  /** Syncs one leg account, after any sync of it already running in this process. */
  syncOne(legId: string, accountId: string, cause: 'order' | 'sweep'): Promise<StandingExitSyncOutcome | null> {
    const key = `${legId}:${accountId}`;
    const run = (this.queues.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const outcome = await this.standing.sync(legId, accountId);
        if (outcome.action === 'failed') this.log.warn({ legId, accountId, cause, reason: outcome.reason }, 'standing exit not synced');
        if (outcome.action === 'triggered' && outcome.gttOrderId) await this.reconcileAdopted(legId, accountId, outcome.gttOrderId);
        return outcome;
      })
      .catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message, legId, accountId, cause }, 'standing exit sync failed');
        return null;
      });
    this.queues.set(key, run);
    void run.finally(() => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    });
    return run;
  }

  /** The adopted GTT order's fills, read from the broker now (the reconciler would in ≤ 10 s). */
  private async reconcileAdopted(legId: string, accountId: string, brokerOrderId: string): Promise<void> {
    const orderId = await this.standing.exitOrderOf(legId, accountId);
    if (!orderId) return;
    const session = await this.sessions.forAccount(accountId);
    await session.reconcile([{ id: orderId, brokerOrderIds: [brokerOrderId] }]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.execution.legOrderListeners.delete(this.listener);
    await this.sweeps.stop();
    await Promise.all([...this.queues.values()].map((q) => q.catch(() => undefined)));
  }
}
