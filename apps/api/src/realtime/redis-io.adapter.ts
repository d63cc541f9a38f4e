import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { SOCKET_IO_PATH } from '@tradeloop/contracts';

/**
 * Socket.IO over the Redis adapter: a packet emitted on any API process (or by the worker's
 * emitter) reaches sockets connected to every other process.
 */
export class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly key: string,
    private readonly corsOrigins: string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: SOCKET_IO_PATH,
      cors: this.corsOrigins.length ? { origin: this.corsOrigins, credentials: false } : undefined,
      // Clients reconnect and re-fetch after a gap (seq); buffering for slow clients is capped.
      maxHttpBufferSize: 64 * 1024,
      pingInterval: 20_000,
      pingTimeout: 20_000,
    }) as Server;
    server.adapter(createAdapter(this.pub, this.sub, { key: this.key }));
    return server;
  }
}
