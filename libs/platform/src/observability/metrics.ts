import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per process, with default process metrics and the HTTP histogram. */
export function createMetrics(app: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const groupCommitSize = new Histogram({
    name: 'group_commit_batch_size',
    help: 'Orders per group-committed transaction (intake: the API placing orders; engine: the worker applying order changes)',
    labelNames: ['path'] as const,
    buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
    registers: [registry],
  });
  const groupCommitSplits = new Counter({
    name: 'group_commit_splits_total',
    help: 'Group-committed transactions rolled back whole and redone order by order (a refused hold, a taken key, a failed statement)',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  watchEventLoopLag(registry);
  return { registry, httpDuration, groupCommitSize, groupCommitSplits };
}

/** How often the event-loop lag probe runs. */
const LAG_PROBE_MS = 10;

/**
 * Event-loop lag as a histogram (`nodejs_event_loop_lag_seconds`): a timer asked to fire every
 * 10 ms records how late it fired. A stall of the loop (a long synchronous step, a GC pause)
 * shows as one late observation of its length; the default metrics' percentiles of the same
 * thing (nodejs_eventloop_lag_p99_seconds) cannot be aggregated across scrapes or processes.
 */
function watchEventLoopLag(registry: Registry): void {
  const lag = new Histogram({
    name: 'nodejs_event_loop_lag_seconds',
    help: `How late a ${LAG_PROBE_MS} ms timer fired: event-loop stalls (synchronous work, GC pauses)`,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [registry],
  });
  let expected = performance.now() + LAG_PROBE_MS;
  const probe = () => {
    const now = performance.now();
    lag.observe(Math.max(0, now - expected) / 1000);
    expected = now + LAG_PROBE_MS;
    setTimeout(probe, LAG_PROBE_MS).unref();
  };
  setTimeout(probe, LAG_PROBE_MS).unref();
}
export type Metrics = ReturnType<typeof createMetrics>;
export const METRICS = Symbol('METRICS');
export const LOGGER = Symbol('LOGGER');
