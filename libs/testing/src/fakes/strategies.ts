import type { Instrument } from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';
import type { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import type { StrategiesRepository, StrategyRow } from '@tradeloop/strategies';
import type { FakeDb } from './db';

type StrategyInsert = Parameters<StrategiesRepository['insert']>[1];

/** Strategies (with their kill switch columns), their fills and order counts. (user, name) is unique. */
export class FakeStrategies implements Pick<StrategiesRepository, 'insert' | 'byId' | 'ofUser' | 'setStatus' | 'fills' | 'orderCount'> {
  readonly rows = new Map<string, StrategyRow>();
  readonly fillsOf = new Map<string, Awaited<ReturnType<StrategiesRepository['fills']>>>();

  constructor(private readonly db: FakeDb) {}

  async insert(sql: Sql, s: StrategyInsert): Promise<StrategyRow | null> {
    if ([...this.rows.values()].some((r) => r.user_id === s.userId && r.name === s.name)) return null;
    const at = new Date();
    const row: StrategyRow = {
      id: s.id,
      user_id: s.userId,
      name: s.name,
      kind: s.kind as StrategyRow['kind'],
      symbols: [...s.symbols],
      params: structuredClone(s.params) as Record<string, unknown>,
      model_id: s.modelId,
      mode: s.mode as StrategyRow['mode'],
      account_id: s.accountId,
      status: 'stopped',
      max_position_units: s.maxPositionUnits,
      last_error: null,
      last_error_at: null,
      created_at: at,
      updated_at: at,
      switch_engaged: false,
      switch_reason: null,
    };
    this.rows.set(row.id, row);
    this.db.onRollback(sql, () => this.rows.delete(row.id));
    return { ...row };
  }

  async byId(id: string, _sql?: Sql): Promise<StrategyRow | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }

  async ofUser(userId: string): Promise<StrategyRow[]> {
    return [...this.rows.values()].filter((r) => r.user_id === userId).map((r) => ({ ...r }));
  }

  async setStatus(sql: Sql, id: string, status: 'stopped' | 'running'): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.status === status) return false;
    const before = { status: row.status, updated_at: row.updated_at };
    Object.assign(row, { status, updated_at: new Date() });
    this.db.onRollback(sql, () => Object.assign(row, before));
    return true;
  }

  async fills(id: string): ReturnType<StrategiesRepository['fills']> {
    return this.fillsOf.get(id) ?? [];
  }

  async orderCount(_id: string): Promise<number> {
    return 0;
  }
}

/** Instruments by symbol, as the cached look-up answers. */
export class FakeInstruments implements Pick<InstrumentsRepository, 'cachedBySymbol'> {
  readonly instruments = new Map<string, Instrument>();

  constructor(instruments: Instrument[] = []) {
    for (const i of instruments) this.instruments.set(i.symbol, i);
  }

  async cachedBySymbol(symbol: string, _sql?: Sql): Promise<Instrument | undefined> {
    return this.instruments.get(symbol);
  }
}

/** No live quotes (every mark unknown) unless set. */
export class FakeQuotes implements Pick<QuotesStore, 'get'> {
  readonly ticks = new Map<string, Awaited<ReturnType<QuotesStore['get']>> extends Map<string, infer V> ? V : never>();

  async get(symbols: readonly string[]): ReturnType<QuotesStore['get']> {
    return new Map([...this.ticks].filter(([s]) => symbols.includes(s)));
  }
}
