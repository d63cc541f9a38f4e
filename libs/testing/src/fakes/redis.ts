import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Redis pub/sub as a list of published messages; with `failing`, every publish rejects. */
export class FakeRedisPublisher implements Pick<Redis, 'publish'> {
  readonly published: { channel: string; message: string }[] = [];
  failing = false;

  publish(channel: string | Buffer, message: string | Buffer): Promise<number> {
    if (this.failing) return Promise.reject(new Error('fake Redis is down'));
    this.published.push({ channel: channel.toString(), message: message.toString() });
    return Promise.resolve(1);
  }
}

type Level = 'warn' | 'info' | 'error' | 'debug';

/** A logger that keeps what it is given, to assert that a failure was logged rather than thrown. */
export class FakeLogger implements Pick<Logger, Level> {
  readonly lines: { level: Level; args: unknown[] }[] = [];
  readonly warn = this.lineFor('warn');
  readonly info = this.lineFor('info');
  readonly error = this.lineFor('error');
  readonly debug = this.lineFor('debug');

  private lineFor(level: Level): Logger[Level] {
    return ((...args: unknown[]) => void this.lines.push({ level, args })) as Logger[Level];
  }
}
