import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ADMIN_ROOM } from '@tradeloop/contracts';
import {
  APP_CONFIG,
  closeRedis,
  createRedis,
  LOGGER,
  realtimeBatchChannel,
  type AppConfig,
  type RealtimeBatch,
  type RealtimeUserBatch,
} from '@tradeloop/platform';

/**
 * Emits the event batches published with RealtimePublisher.toRoomBatched (and every user's events,
 * toUser / toUserMany) to this process's own sockets in the batch's room (`local`: each API process receives the batch and serves only its
 * sockets, so every socket gets each event once). A batch lost while Redis restarts shows up to
 * clients as a `seq` jump, as any lost event does.
 */
@Injectable()
export class RealtimeBatchFanout implements OnModuleInit, OnApplicationShutdown {
  private nsp: Namespace | null = null;
  private readonly sub: Redis;
  private readonly channel: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = realtimeBatchChannel(config);
    this.sub = createRedis(config.REDIS_URL, 'pubsub', 'tradeloop-api-batch-sub');
  }

  attach(nsp: Namespace): void {
    this.nsp = nsp;
  }

  async onModuleInit(): Promise<void> {
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
    await this.sub.subscribe(this.channel);
  }

  private deliver(message: string): void {
    if (!this.nsp) return;
    let batch: RealtimeBatch | RealtimeUserBatch;
    try {
      batch = JSON.parse(message) as RealtimeBatch | RealtimeUserBatch;
    } catch {
      this.logger.warn('unreadable realtime batch dropped');
      return;
    }
    if ('items' in batch) {
      // A user's events (RealtimePublisher.toUserMany): to their room, mirrored to the admin room.
      const own = this.nsp.local.to(batch.room);
      const admin = this.nsp.local.to(ADMIN_ROOM);
      for (const it of batch.items) {
        own.emit(it.event, { ...it.payload, seq: it.seq });
        admin.emit(it.event, { ...it.payload, userId: batch.user, seq: it.adminSeq });
      }
      return;
    }
    const to = this.nsp.local.to(batch.room);
    const stream = batch;
    stream.payloads.forEach((payload, i) => to.emit(stream.event, { ...payload, seq: stream.first + i }));
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.sub);
  }
}
