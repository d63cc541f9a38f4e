import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  ADMIN_ROOM,
  SIGNALS_ROOM,
  SIGNALS_ROOM_ROLES,
  MARKET_SUBSCRIBE,
  MARKET_UNSUBSCRIBE,
  REALTIME_NAMESPACE,
  REALTIME_READY,
  sessionRoom,
  userRoom,
  type RealtimeReady,
  type SubscriptionAck,
} from '@tradeloop/contracts';
import { isDomainError } from '@tradeloop/domain';
import { LOGGER } from '@tradeloop/platform';
import { AuthenticateUseCase, type Principal } from '@tradeloop/identity';
import { MarketStreamHub } from './market-stream.hub';
import { RealtimeBatchFanout } from './batch-fanout';

type AuthedSocket = Socket & { data: { principal?: Principal } };

/**
 * The `/realtime` namespace. The access token is checked in the handshake, before the socket is
 * admitted: a missing, expired or forged token never gets a connected socket. Each user joins
 * their own room; admins also join the admin room that mirrors every user's events.
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE })
export class RealtimeGateway implements OnGatewayInit<Namespace> {
  constructor(
    @Inject(AuthenticateUseCase) private readonly authenticate: AuthenticateUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MarketStreamHub) private readonly market: MarketStreamHub,
    @Inject(RealtimeBatchFanout) private readonly batches: RealtimeBatchFanout,
  ) {}

  afterInit(nsp: Namespace): void {
    this.market.attach(nsp);
    this.batches.attach(nsp);
    nsp.use((socket: AuthedSocket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        next(new Error('UNAUTHENTICATED: missing token'));
        return;
      }
      this.authenticate
        .execute(token)
        .then((principal) => {
          socket.data.principal = principal;
          next();
        })
        .catch((err: unknown) => {
          if (!isDomainError(err)) this.logger.error({ err }, 'socket auth failed unexpectedly');
          next(new Error(isDomainError(err) ? `UNAUTHENTICATED: ${err.message}` : 'UNAVAILABLE'));
        });
    });
    nsp.on('connection', (socket: AuthedSocket) => {
      const principal = socket.data.principal!;
      this.handleMarketSubscriptions(socket);
      const rooms = [
        userRoom(principal.userId),
        sessionRoom(principal.sessionId),
        ...(principal.roles.includes('admin') ? [ADMIN_ROOM] : []),
        ...((SIGNALS_ROOM_ROLES as readonly string[]).some((r) => (principal.roles as readonly string[]).includes(r))
          ? [SIGNALS_ROOM]
          : []),
      ];
      // With the Redis adapter, joining subscribes to each room's channel: only once that is
      // done can events published by other processes reach this socket, so `ready` waits for it.
      Promise.resolve(socket.join(rooms))
        .then(() => {
          const ready: RealtimeReady = { userId: principal.userId, rooms };
          socket.emit(REALTIME_READY, ready);
        })
        .catch((err: unknown) => {
          this.logger.error({ err }, 'socket could not join its rooms');
          socket.disconnect(true);
        });
    });
  }

  /** `subscribe` / `unsubscribe` with an ack; a malformed request is answered, never thrown. */
  private handleMarketSubscriptions(socket: AuthedSocket): void {
    const handle = (op: 'subscribe' | 'unsubscribe') => (msg: unknown, ack?: unknown) => {
      const reply = (a: SubscriptionAck) => {
        if (typeof ack === 'function') (ack as (a: SubscriptionAck) => void)(a);
      };
      this.market[op](socket, msg)
        .then(reply)
        .catch((err: unknown) => {
          this.logger.error({ err }, `market ${op} failed`);
          reply({ ok: false, symbols: [], refused: [], error: 'temporarily unavailable, retry' });
        });
    };
    socket.on(MARKET_SUBSCRIBE, handle('subscribe'));
    socket.on(MARKET_UNSUBSCRIBE, handle('unsubscribe'));
    socket.on('disconnect', () => this.market.release(socket));
  }
}
