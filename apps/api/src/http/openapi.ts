import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { z } from 'zod';
import { ProblemSchema } from '@tradeloop/contracts';
import { problemResponse, type ProblemStatus } from './api-problems';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The problem responses every operation has, derived from what it is (docs/adr/0013-hostile-input.md):
 * - 400: any request can be malformed (a URL that does not decode, a control character in a
 *   header, text with NUL, a field that fails its schema);
 * - 401: it needs an access token;
 * - 404 and 414: it has path parameters (no such resource; a parameter over the router limit);
 * - 413 and 415: it takes a body (Fastify parses a body on every method that may carry one);
 * - 503: it reads Postgres or Redis, which may be unreachable or out of connections.
 * Route-specific ones (403 by @Roles, 409 / 422 / 423 / 429) are declared with @ApiProblems.
 */
export function derivedProblems(path: string, method: (typeof METHODS)[number], op: Operation): ProblemStatus[] {
  const statuses: ProblemStatus[] = [400];
  if (op.security?.length) statuses.push(401);
  if (path.includes('{')) statuses.push(404, 414);
  if (method !== 'get') statuses.push(413, 415);
  statuses.push(503);
  return statuses;
}

/**
 * The OpenAPI document served at /api/docs-json: generated from the controllers and their zod
 * contracts, then completed with the Problem schema and every operation's problem responses.
 * OpenAPI 3.1, so nullable fields are JSON Schema's `["string", "null"]` as zod states them.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const generated = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tradeloop API')
      .setDescription(
        'Errors are RFC 9457 problem documents (application/problem+json); see docs/adr/0013-hostile-input.md in the repository.',
      )
      .setVersion('1')
      .setOpenAPIVersion('3.1.0')
      .addBearerAuth()
      .build(),
  );
  const doc = cleanupOpenApiDoc(generated, { version: '3.1' });
  const { $schema: _ignored, ...problem } = z.toJSONSchema(ProblemSchema, { io: 'output' }) as Record<string, unknown>;
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: problem } };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const status of derivedProblems(path, method, op)) op.responses[status] ??= problemResponse(status);
    }
  }
  return doc;
}
