import {
  isMockOrderOpen,
  type MockBrokerStore,
  type MockOrderRecord,
  type MockSequenceName,
  type MockTradeRecord,
} from './mock-broker-store.port';

/**
 * The mock broker's state in memory, for tests. It outlives any MockBroker built on it, so a
 * test can "crash" a broker and open a new one on the same store, as a restarted worker would
 * over Postgres.
 */
export class InMemoryMockBrokerStore implements MockBrokerStore {
  private readonly orders = new Map<string, MockOrderRecord>();
  private readonly trades: MockTradeRecord[] = [];
  private readonly tradeIds = new Set<string>();
  private readonly sequences: Record<MockSequenceName, number> = { order: 0, trade: 0 };

  async nextSequence(name: MockSequenceName): Promise<number> {
    this.sequences[name] += 1;
    return this.sequences[name];
  }

  async insertOrder(order: MockOrderRecord, trades: readonly MockTradeRecord[] = []): Promise<void> {
    if (this.orders.has(order.brokerOrderId)) throw new Error(`duplicate key: order ${order.brokerOrderId}`);
    if (order.version !== 1) throw new Error('a new order has version 1');
    this.checkTrades(order, trades);
    this.orders.set(order.brokerOrderId, Object.freeze({ ...order }));
    this.addTrades(trades);
  }

  async updateOrder(order: MockOrderRecord, expectedVersion: number, newTrades: readonly MockTradeRecord[]): Promise<boolean> {
    const current = this.orders.get(order.brokerOrderId);
    if (!current || current.version !== expectedVersion) return false;
    if (order.version !== expectedVersion + 1) throw new Error('an update moves the version by one');
    // All checks before any write: like the transaction, all or nothing.
    this.checkTrades(order, newTrades);
    this.orders.set(order.brokerOrderId, Object.freeze({ ...order }));
    this.addTrades(newTrades);
    return true;
  }

  private checkTrades(order: MockOrderRecord, trades: readonly MockTradeRecord[]): void {
    for (const t of trades) {
      if (this.tradeIds.has(t.tradeId)) throw new Error(`duplicate key: trade ${t.tradeId}`);
      if (t.brokerOrderId !== order.brokerOrderId) throw new Error('a trade belongs to the order it is written with');
    }
  }

  private addTrades(trades: readonly MockTradeRecord[]): void {
    for (const t of trades) {
      this.tradeIds.add(t.tradeId);
      this.trades.push(Object.freeze({ ...t }));
    }
  }

  async getOrder(brokerOrderId: string): Promise<MockOrderRecord | null> {
    return this.orders.get(brokerOrderId) ?? null;
  }

  async findOrdersByTag(tag: string): Promise<MockOrderRecord[]> {
    return this.sorted().filter((o) => o.tag === tag);
  }

  async listOrders(filter: { readonly openOnly?: boolean } = {}): Promise<MockOrderRecord[]> {
    const all = this.sorted();
    return filter.openOnly ? all.filter((o) => isMockOrderOpen(o.status)) : all;
  }

  async listTrades(filter: { readonly brokerOrderId?: string } = {}): Promise<MockTradeRecord[]> {
    const id = filter.brokerOrderId;
    return (id === undefined ? this.trades : this.trades.filter((t) => t.brokerOrderId === id)).slice().sort((a, b) => a.seq - b.seq);
  }

  private sorted(): MockOrderRecord[] {
    return [...this.orders.values()].sort((a, b) => a.seq - b.seq);
  }
}
