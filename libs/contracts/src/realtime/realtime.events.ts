import { z } from 'zod';
import { UserSchema } from '../auth';
import { RiskExitSchema } from '../watchlist-trading/watchlist-trading.schema';

export const REALTIME_NAMESPACE = '/realtime';
export const SOCKET_IO_PATH = '/socket.io';

/** Server → client event names (docs/api.md "Realtime"). */
export const REALTIME_EVENTS = {
  orderUpdated: 'order.updated',
  tradeExecuted: 'trade.executed',
  positionUpdated: 'position.updated',
  walletUpdated: 'wallet.updated',
  /** A paper account's balance after a paper posting (a hold, a fill, a release): `{ accountId, balance, seq }`; never `wallet.updated`. */
  paperBalance: 'paper.balance',
  signal: 'signal',
  /** A strategy of the user started, stopped, had its switch pulled, or its P&L moved. */
  strategyUpdated: 'strategy.updated',
  killSwitch: 'risk.killswitch',
  tick: 'tick',
  candle: 'candle',
  /** The top 5 levels of a symbol's book (market channel `depth`): `{ symbol, bids, asks, ts, seq }`. */
  depth: 'depth',
  /** The user's own profile or roles changed (an admin edited them): clients re-read /auth/me. */
  userUpdated: 'user.updated',
  /** A broker account the user owns or is assigned changed (status, name, default…): `{ account, seq }`. */
  brokerAccount: 'broker.account',
  /** A leg's TP, SL or trailing stop fired a risk exit (the alert; docs/watchlist-trading.md "Per-unit exits"): `{ exit, seq }`. */
  riskExit: 'risk.exit',
  /** An alert position's exit engine fired (docs/alerts.md "Exit engine"): `{ exit, seq }`, when it triggers and when it closes. */
  alertExit: 'alert.exit',
  /** A backtest of the user moved on (docs/backtests.md "Runs, storage and API"): `{ id, progress, seq }`. */
  backtestProgress: 'backtest.progress',
  /** A new in-app notification (docs/alerts.md "Notifications"): `{ notification, seq }`. */
  notification: 'notification',
} as const;
export type RealtimeEvent = (typeof REALTIME_EVENTS)[keyof typeof REALTIME_EVENTS];

/** Rooms: one per user, and one that admins join to see everyone's events. */
export const userRoom = (userId: string): string => `user:${userId}`;
export const ADMIN_ROOM = 'admin';
/** Every model's signals: joined by quant, admin and compliance users (signals belong to no one user). */
export const SIGNALS_ROOM = 'signals';
export const SIGNALS_ROOM_ROLES = ['quant', 'admin', 'compliance'] as const;
/** Every socket of one login session: closed together on logout or revocation. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/**
 * Every event carries `seq`, increasing by one per stream (room + event), so a client that sees
 * a jump knows it missed something and re-fetches over REST.
 */
export const SeqSchema = z.number().int().positive();

export const RiskExitEventSchema = z.object({ exit: RiskExitSchema, seq: SeqSchema });
export type RiskExitEvent = z.infer<typeof RiskExitEventSchema>;

export const UserUpdatedEventSchema = z.object({ user: UserSchema.extend({ disabled: z.boolean() }), seq: SeqSchema });
export type UserUpdatedEvent = z.infer<typeof UserUpdatedEventSchema>;

/** Sent once after a successful connect so the client knows who the server thinks it is. */
export const REALTIME_READY = 'ready';
export interface RealtimeReady {
  userId: string;
  rooms: string[];
}
