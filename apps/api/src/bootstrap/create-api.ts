import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { createLogger, METRICS, PinoNestLogger, socketIoKey, type AppConfig, type Metrics } from '@tradeloop/platform';
import { ApiModule } from '../app.module';
import { clientErrorHandler, routerErrorHandler } from '../http/framework-errors';
import { buildOpenApiDocument } from '../http/openapi';
import { genRequestId, registerHttpHooks } from '../http/http-hooks';
import { registerSecurityHeaders } from '../http/security-headers';
import { RedisIoAdapter } from '../realtime/redis-io.adapter';
import { RealtimeRedis } from '../realtime/realtime-redis';
import { registerHookBody } from '../alerts/hook-body';

export interface ApiHandle {
  app: NestFastifyApplication;
  logger: Logger;
  /** Separate metrics listener when METRICS_PORT is set. */
  metricsServer?: Server;
}

const defaultWebDist = () => resolve(__dirname, '../../../web/dist');

/** Builds the whole API (HTTP + Socket.IO + web app) without listening. Used by main and tests. */
export async function createApi(config: AppConfig, logger = createLogger(config.LOG_LEVEL, 'api')): Promise<ApiHandle> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: genRequestId,
    logger: false,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // The HTTP layer's own refusals are problem documents too.
    frameworkErrors: routerErrorHandler,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, logger), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get<Metrics>(METRICS);
  registerHttpHooks(fastify, logger, metrics);

  registerSecurityHeaders(fastify);
  // The webhook intake reads its body's exact bytes (the HMAC covers them); every other route parses JSON.
  registerHookBody(fastify, config);
  // Model uploads (POST /models): two parts, the .onnx and its card; nothing else is multipart.
  await app.register(fastifyMultipart as never, {
    limits: { fileSize: config.MODEL_UPLOAD_MAX_BYTES, files: 3, fields: 3, parts: 4, fieldSize: 1024 * 1024 },
  });
  const origins = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  app.enableCors({
    origin: origins.length ? origins : false,
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition', 'idempotent-replayed'],
  });

  const webDist = config.WEB_DIST_DIR ? resolve(config.WEB_DIST_DIR) : defaultWebDist();
  if (existsSync(join(webDist, 'index.html'))) {
    app.useStaticAssets({ root: webDist, prefix: '/', wildcard: true, index: ['index.html'] });
  } else {
    logger.warn({ webDist }, 'web app not built: serving the API only');
  }

  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });

  let metricsServer: Server | undefined;
  const renderMetrics = async () => ({ type: metrics.registry.contentType, body: await metrics.registry.metrics() });
  if (config.METRICS_PORT === undefined) {
    fastify.get('/metrics', async (_req, reply) => {
      const { type, body } = await renderMetrics();
      return reply.type(type).send(body);
    });
  } else {
    metricsServer = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      void renderMetrics().then(({ type, body }) => res.writeHead(200, { 'content-type': type }).end(body));
    });
  }

  const io = app.get(RealtimeRedis);
  app.useWebSocketAdapter(new RedisIoAdapter(app, io.pub, io.sub, socketIoKey(config), origins));
  await app.init();
  // The adapter subscribed while the gateway initialised; a PING queued behind that subscribe
  // returns only once it is active. Until then events published by other processes would be
  // lost, so the process does not report ready (or listen) before.
  await io.sub.ping();
  return { app, logger, metricsServer };
}
