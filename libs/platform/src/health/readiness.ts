export interface DependencyCheck {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

/** Runs one dependency probe with a deadline; a hung dependency counts as down, not as slow. */
export async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Flipped on SIGTERM so load balancers stop sending traffic before connections close. */
export class Lifecycle {
  private shuttingDown = false;
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
  beginShutdown(): void {
    this.shuttingDown = true;
  }
}
