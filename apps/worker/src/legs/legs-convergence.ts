import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JOBS, type JobPayload } from '@tradeloop/contracts';
import { APP_CONFIG, JobProducer, LOGGER, REDIS, type AppConfig, type JobHandler } from '@tradeloop/platform';
import { ExecutionService, type LegOrderChange } from '@tradeloop/trading';
import { ConvergeLegUseCase, type ConvergeCause } from '@tradeloop/watchlist-trading';
import { LeaderLease } from '../risk/leader-lease';
import { LeaderSweep } from '../risk/leader-sweep';

/** Carries out a `legs.converge` job: one leg on one account re-planned under its lock. */
@Injectable()
export class LegsConvergeHandler implements JobHandler<typeof JOBS.legsConverge> {
  readonly job = JOBS.legsConverge;

  constructor(@Inject(ConvergeLegUseCase) private readonly converge: ConvergeLegUseCase) {}

  async handle(payload: JobPayload<typeof JOBS.legsConverge>): Promise<string> {
    const outcome = await this.converge.execute(payload.legId, payload.accountId, payload.cause);
    if (!outcome) return 'no such leg';
    return `${outcome.status} target ${outcome.targetQuantity}${outcome.orderId ? ` via ${outcome.orderId}` : ''}${outcome.reason ? `: ${outcome.reason}` : ''}`;
  }
}

/** The cause of a convergence for an order change: terminal states, and an open order whose change (e.g. a refused amendment) moved what works. */
export function convergeCauseOf(change: Pick<LegOrderChange, 'status' | 'fills'>): ConvergeCause | null {
  switch (change.status) {
    case 'FILLED':
      return 'filled';
    case 'CANCELLED':
      return 'cancelled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
      return 'expired';
    case 'OPEN':
      // Accepted, or an amendment confirmed or refused: what works may differ from the plan.
      return change.fills === 0 ? 'changed' : null;
    default:
      return null;
  }
}

/** How often the sweep looks for leg accounts off their target with nothing working (docs/watchlist-trading.md). */
export const LEG_SWEEP_MS = 3_000;
const LEASE_TTL_MS = 15_000;
const SWEEP_BATCH = 200;

/**
 * Leg convergence in the worker (docs/watchlist-trading.md, "Intents and target positions"):
 * every committed change of a leg's order in this process's execution engine enqueues a
 * `legs.converge` job for that leg and account; a sweep every few seconds — on one worker at a
 * time, a Redis lease — converges what a lost job left off its target with nothing working.
 */
@Injectable()
export class LegsConvergence implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps: LeaderSweep;
  private readonly listener = (change: LegOrderChange) => {
    const cause = convergeCauseOf(change);
    if (!cause) return;
    this.jobs
      .enqueue(JOBS.legsConverge, { legId: change.legId, accountId: change.accountId, cause })
      .catch((err: unknown) =>
        this.log.warn({ err: (err as Error).message, legId: change.legId }, 'legs.converge not enqueued; the sweep converges it'),
      );
  };

  constructor(
    @Inject(ExecutionService) private readonly execution: ExecutionService,
    @Inject(JobProducer) private readonly jobs: JobProducer,
    @Inject(ConvergeLegUseCase) private readonly converge: ConvergeLegUseCase,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    const lease = new LeaderLease(redis, `${config.REDIS_PREFIX}:legs:sweep:leader`, LEASE_TTL_MS);
    this.sweeps = new LeaderSweep(lease, LEG_SWEEP_MS, (stopped) => this.sweep(stopped), log, 'leg sweep');
  }

  onApplicationBootstrap(): void {
    this.execution.legOrderListeners.add(this.listener);
    this.sweeps.start();
  }

  /** One sweep: each leg account off its target with nothing working is converged (one at a time). */
  async sweep(stopped: () => boolean = () => false): Promise<number> {
    const stale = await this.converge.unconverged(SWEEP_BATCH);
    for (const s of stale) {
      if (stopped()) break;
      await this.converge
        .execute(s.leg_id, s.account_id, 'sweep')
        .catch((err: unknown) =>
          this.log.warn({ err: (err as Error).message, legId: s.leg_id, accountId: s.account_id }, 'leg sweep: convergence failed'),
        );
    }
    return stale.length;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.execution.legOrderListeners.delete(this.listener);
    await this.sweeps.stop();
  }
}
