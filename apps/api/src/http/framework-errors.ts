import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@tradeloop/domain';
import { PROBLEM_CONTENT_TYPE } from '@tradeloop/contracts';
import { problem } from './problem';

/**
 * Refusals made by the HTTP layer before any route runs are problem documents like every other
 * error (docs/adr/0013-hostile-input.md): Fastify's router (a percent-encoding that does not decode, a
 * path parameter over `maxParamLength`) and Node's HTTP parser (headers too large, a control
 * character in a header, a request that is not HTTP, one that took too long to arrive).
 */
const ROUTER_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_BAD_URL: ['VALIDATION_FAILED', 'The URL is not valid: a percent-encoded sequence in it does not decode'],
  FST_ERR_MAX_PARAM_LENGTH: ['URI_TOO_LONG', 'A path parameter is longer than the server accepts'],
};

/** Fastify's `frameworkErrors` option. */
export function routerErrorHandler(err: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const [code, detail] = ROUTER_ERRORS[err.code ?? ''] ?? (['VALIDATION_FAILED', 'The request could not be routed'] as const);
  const body = problem(code, detail, { requestId: String(req.id) });
  void reply
    .status(body.status)
    .header('x-request-id', String(req.id))
    .header('cache-control', 'no-store')
    .type(PROBLEM_CONTENT_TYPE)
    .send(body);
}

/** What the parser's error codes mean for the client. Anything else is a malformed request. */
function parserRefusal(err: Error & { code?: string }): [ErrorCode, string] {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['REQUEST_TIMEOUT', 'The request did not arrive in time'];
    case 'HPE_HEADER_OVERFLOW':
      return ['HEADERS_TOO_LARGE', 'The request line and headers are larger than the server accepts'];
    default:
      return ['VALIDATION_FAILED', 'The request is not well-formed HTTP (for example a control character in a header)'];
  }
}

/** Fastify's `clientErrorHandler` option: the socket gets one problem document, then closes. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, detail] = parserRefusal(err);
  const body = JSON.stringify(problem(code, detail));
  const status = problem(code, detail).status;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
