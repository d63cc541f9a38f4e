import type { Logger } from 'pino';
import type { LeaderLease } from './leader-lease';

/**
 * A sweep that runs every `intervalMs` on one worker at a time (its LeaderLease), never
 * overlapping itself: the next one is scheduled when the last ends. A failed sweep is logged and
 * the next one retries. `stop` waits for a running sweep and releases the lease.
 */
export class LeaderSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly lease: LeaderLease,
    private readonly intervalMs: number,
    private readonly sweep: (isStopped: () => boolean) => Promise<unknown>,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  start(): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, `${this.what} failed; the next one retries`))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.start();
        });
    }, this.intervalMs);
  }

  /** One sweep now, when this worker holds (or takes) the lease; false when another worker leads. */
  async runOnce(): Promise<boolean> {
    if (!(await this.lease.hold())) return false;
    await this.sweep(() => this.stopped);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lease.release().catch(() => undefined);
  }
}
