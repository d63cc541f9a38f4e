import pino, { type DestinationStream, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

/**
 * Paths pino blanks out wherever they appear in a log line. Secrets must never reach logs even
 * when someone logs a whole request or body by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.otp',
  '*.secret',
  '*.passwordHash',
  'password',
  'refreshToken',
  'accessToken',
  'otp',
  'secret',
  // Broker credentials and sessions (docs/api.md "Broker accounts"), at the top, one and two levels down
  // (a body, or a request or error holding a body).
  ...[
    'credentials',
    'apiKey',
    'apiSecret',
    'clientSecret',
    'access_token',
    'request_token',
    'enctoken',
    'public_token',
    'refresh_token',
    // Notification channels: a Telegram bot token (docs/architecture.md "Secrets").
    'botToken',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Routes Nest's own log calls into the same structured pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const extra = typeof context === 'string' ? { context } : {};
    if (message instanceof Error) this.logger[level]({ ...extra, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...extra, ...message });
    else this.logger[level](extra, String(message));
  }
  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    // Nest passes (message, stack, context): keep the stack as a field, not as the context.
    const [stack, context] = rest;
    this.logger.error({ context, stack: typeof stack === 'string' ? stack : undefined }, String(message));
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
