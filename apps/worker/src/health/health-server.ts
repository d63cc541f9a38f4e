import { createServer, type Server } from 'node:http';
import type { Redis } from 'ioredis';
import { probe, type Db, type Metrics, type WorkerHost } from '@tradeloop/platform';

/**
 * The worker's own small HTTP surface: liveness, readiness (Postgres, Redis, and whether the
 * host is running rather than draining) and Prometheus metrics.
 */
export function createHealthServer(deps: {
  db: Db;
  redis: Redis;
  host: WorkerHost;
  metrics: Metrics;
  /** How long a dependency may take to answer before it counts as down (default 2 s). */
  probeTimeoutMs?: number;
}): Server {
  return createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const url = req.url?.split('?')[0];
    if (url === '/health') return send(200, { status: 'ok' });
    if (url === '/metrics') {
      void deps.metrics.registry.metrics().then((m) => send(200, m, deps.metrics.registry.contentType));
      return;
    }
    if (url === '/health/ready') {
      void Promise.all([probe(() => deps.db.ping(), deps.probeTimeoutMs), probe(() => deps.redis.ping(), deps.probeTimeoutMs)]).then(
        ([postgres, redis]) => {
          const running = deps.host.state === 'running';
          const ok = running && postgres.status === 'up' && redis.status === 'up';
          send(ok ? 200 : 503, {
            status: ok ? 'ready' : running ? 'not_ready' : deps.host.state,
            checks: { postgres, redis, worker: deps.host.state },
          });
        },
      );
      return;
    }
    send(404, { status: 404, code: 'NOT_FOUND' });
  });
}
