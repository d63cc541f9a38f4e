import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '@tradeloop/platform';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Honour a caller's X-Request-Id when it is sane (so traces join up), else mint one. */
export function genRequestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Echoes the request id, records the duration histogram by route template (not raw URL, which
 * would explode label cardinality) and writes one structured log line per request.
 * Callback-style hooks and cached histogram children: these run on every request, and the
 * async/label-hashing versions showed up in profiles.
 */
export function registerHttpHooks(fastify: FastifyInstance, logger: Logger, metrics: Metrics): void {
  const timers = new Map<string, ReturnType<Metrics['httpDuration']['labels']>>();
  const timerFor = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let child = timers.get(key);
    if (!child) {
      child = metrics.httpDuration.labels(method, route, String(status));
      timers.set(key, child);
    }
    return child;
  };

  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    timerFor(req.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
    if (route !== '/metrics' && route !== '/api/health' && logger.isLevelEnabled('info')) {
      const principal = (req as { principal?: { userId: string } }).principal;
      logger.info(
        {
          reqId: req.id,
          method: req.method,
          route,
          url: req.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          userId: principal?.userId,
          ip: req.ip,
        },
        'request',
      );
    }
    done();
  });
}
