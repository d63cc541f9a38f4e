import type { RealtimeEvent } from '@tradeloop/contracts';
import type { RealtimePublisher } from '@tradeloop/platform';
import type { FakeDb } from './db';

export interface FakeRealtimeMessage {
  kind: 'user' | 'room';
  /** The user id (toUser) or the room (toRoom, toRoomBatched). */
  to: string;
  event: RealtimeEvent;
  payload: object;
  /** How many transactions were open when it was sent (events should leave after commit: 0). */
  openTransactions: number;
}

/** Realtime fan-out as a list of what would have been sent, and the rooms disconnected. */
export class FakeRealtime implements Pick<RealtimePublisher, 'toUser' | 'toRoom' | 'toRoomBatched' | 'disconnectRoom'> {
  readonly messages: FakeRealtimeMessage[] = [];
  readonly disconnected: string[] = [];

  constructor(private readonly db?: FakeDb) {}

  async toUser(userId: string, event: RealtimeEvent, payload: object): Promise<void> {
    this.record('user', userId, event, payload);
  }

  async toRoom(room: string, event: RealtimeEvent, payload: object): Promise<void> {
    this.record('room', room, event, payload);
  }

  async toRoomBatched(room: string, event: RealtimeEvent, payloads: readonly object[]): Promise<void> {
    for (const payload of payloads) this.record('room', room, event, payload);
  }

  disconnectRoom(room: string): void {
    this.disconnected.push(room);
  }

  /** The messages of one event. */
  of(event: RealtimeEvent): FakeRealtimeMessage[] {
    return this.messages.filter((m) => m.event === event);
  }

  private record(kind: FakeRealtimeMessage['kind'], to: string, event: RealtimeEvent, payload: object): void {
    this.messages.push({ kind, to, event, payload: structuredClone(payload), openTransactions: this.db?.openTransactions ?? 0 });
  }
}
