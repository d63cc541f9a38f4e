import { Catch, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/static'; // reply.sendFile
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE } from '@tradeloop/contracts';
import { toProblem } from './to-problem';
import { isSpaRequest } from './spa-fallback';

/**
 * Every exception escaping a controller, guard or pipe becomes an RFC 9457 problem document.
 * Unknown errors become a bare 500 (logged with stack and request id); bad input never does.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (exception instanceof NotFoundException && isSpaRequest(req) && typeof reply.sendFile === 'function') {
      // Deep links into the web app (/admin/users) are client-side routes: serve the shell.
      void reply.type('text/html').sendFile('index.html');
      return;
    }
    sendProblem(req, reply, exception, this.logger);
  }
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, exception: unknown, logger: Logger): void {
  const { body, headers, unexpected } = toProblem(exception, { instance: req.url.split('?')[0], requestId: String(req.id) });
  if (unexpected) logger.error({ reqId: req.id, err: exception }, 'unhandled error');
  void reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}
