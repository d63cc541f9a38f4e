import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '@tradeloop/platform';

/** The intake's route, as Fastify names it. */
export const HOOK_ROUTE = '/api/v1/hooks/:sourceId';

// A content type no client sends: the intake's requests are switched to it so that its parser,
// and only its, reads the body.
const HOOK_BODY_TYPE = 'application/x-tradeloop-hook-body';

/**
 * The webhook intake needs the exact bytes it received (the HMAC covers them) and must take any
 * body — JSON, text/plain (TradingView sends its message so), or garbage that it stores as a
 * rejected delivery (docs/alerts.md "Intake"). Every other route keeps the JSON parser. So for
 * this one route (matched before the body is read) the request's Content-Type is replaced by a
 * private type whose parser hands over the raw Buffer. Its limit lets a body somewhat over
 * WEBHOOK_MAX_BODY_BYTES through, so that the intake can store it as a 413 delivery; above
 * BODY_LIMIT_BYTES the HTTP layer refuses it first (413, nothing stored).
 */
export function registerHookBody(fastify: FastifyInstance, config: AppConfig): void {
  const bodyLimit = Math.max(config.BODY_LIMIT_BYTES, config.WEBHOOK_MAX_BODY_BYTES + 1);
  fastify.addContentTypeParser(HOOK_BODY_TYPE, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  fastify.addHook('onRequest', (req, _reply, done) => {
    if (req.method === 'POST' && req.routeOptions.url === HOOK_ROUTE) req.headers['content-type'] = HOOK_BODY_TYPE;
    done();
  });
}
