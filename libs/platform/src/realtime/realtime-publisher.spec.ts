import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { RealtimePublisher } from './realtime-publisher';

/**
 * Redis as the publisher sees it while a restart begins: the sequence numbers were reserved, then
 * the connection dropped, so every publish fails the way ioredis fails it (after its retries).
 */
class RedisGoingDown {
  private seq = 0;
  publishes = 0;

  async incr(): Promise<number> {
    return ++this.seq;
  }

  async incrby(_key: string, n: number): Promise<number> {
    return (this.seq += n);
  }

  pipeline() {
    const ops: number[] = [];
    const chain = {
      incr: () => {
        ops.push(1);
        return chain;
      },
      exec: async (): Promise<[Error | null, number][]> => ops.map(() => [null, ++this.seq]),
    };
    return chain;
  }

  publish(): Promise<number> {
    this.publishes += 1;
    const err = new Error('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.');
    err.name = 'MaxRetriesPerRequestError';
    return Promise.reject(err);
  }
}

/** Lets every pending promise job and I/O callback run, so unhandled rejections are reported. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RealtimePublisher while Redis restarts', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('a publish that fails after its seq was reserved is logged, never an unhandled rejection', async () => {
    const redis = new RedisGoingDown();
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => void warnings.push(args) } as unknown as Logger;
    const publisher = new RealtimePublisher(redis as unknown as Redis, { REDIS_PREFIX: 't' } as AppConfig, logger);

    await publisher.toUser('u1', 'order.updated', { id: 1 });
    await publisher.toRoom('room-1', 'order.updated', { id: 2 });
    publisher.disconnectRoom('room-1');
    await settle();

    // toUser: one message for the own and admin rooms (the batch channel); toRoom: one; disconnectRoom: one request.
    expect(redis.publishes).toBe(3);
    expect(unhandled).toEqual([]);
    expect(warnings).toHaveLength(3);
  });
});
