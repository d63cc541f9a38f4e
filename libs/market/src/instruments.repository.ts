import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { formatPrice, type Instrument, type ListedInstrument, type ListingRollPlan } from '@tradeloop/domain';
import type { InstrumentDto, InstrumentQuery } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { INSERT_INSTRUMENTS, INSTRUMENT_COLUMNS, instrumentFields, instrumentInsertParams, type InstrumentRow } from './instrument-rows';

const toDto = (r: InstrumentRow): InstrumentDto => ({
  symbol: r.symbol,
  exchange: r.exchange,
  name: r.name,
  instrumentType: r.instrument_type,
  lotSize: r.lot_size,
  tickSize: formatPrice(Number(r.tick_size_ticks)),
  ...(r.expiry ? { expiry: r.expiry } : {}),
  ...(r.strike_ticks ? { strike: formatPrice(Number(r.strike_ticks)) } : {}),
  ...(r.instrument_type === 'CE' || r.instrument_type === 'PE' ? { optionType: r.instrument_type } : {}),
  ...(r.underlying ? { underlying: r.underlying } : {}),
});

const toInstrument = (r: InstrumentRow): Instrument => ({
  ...instrumentFields(r),
  ...(r.active === false ? { active: false as const } : {}),
});

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class InstrumentsRepository {
  /**
   * Instruments on the order path (intake, fills) by symbol. Tick and lot sizes change only
   * with the exchange's daily instrument file, so a minute-old copy is as good as a round trip;
   * this process's own imports clear it at once.
   */
  private readonly recent = new LRUCache<string, Instrument>({ max: 20_000, ttl: 60_000 });

  constructor(@Inject(Db) private readonly db: Db) {}

  /** The active, unexpired options and futures of an underlying (strike resolution, docs/watchlist-trading.md). */
  async derivativesOf(underlying: string, today: string, sql: Sql = this.db.sql): Promise<Instrument[]> {
    const rows = await sql.rows<InstrumentRow>(
      `SELECT ${INSTRUMENT_COLUMNS} FROM instruments
       WHERE underlying = $1 AND active AND instrument_type IN ('FUT', 'CE', 'PE') AND expiry >= $2::date
       ORDER BY symbol`,
      [underlying, today],
    );
    return rows.map(instrumentFields);
  }

  /**
   * `bySymbol`, answered from a copy at most a minute old. Inside a transaction pass its `sql`:
   * a miss must not wait for a second pooled connection while holding one.
   */
  async cachedBySymbol(symbol: string, sql = this.db.sql): Promise<Instrument | undefined> {
    const hit = this.recent.get(symbol);
    if (hit) return hit;
    const fresh = await this.bySymbol(symbol, sql);
    if (fresh) this.recent.set(symbol, fresh);
    return fresh;
  }

  /** Forgets every cached instrument (after an instrument master import changed lot or tick sizes). */
  forget(): void {
    this.recent.clear();
  }

  /**
   * Inserts or updates instruments by symbol (seeding is idempotent). An instrument a broker's
   * master manages (it has a broker key) keeps the master's values: the demo universe never
   * overwrites real lot and tick sizes.
   */
  async upsert(instruments: readonly Instrument[]): Promise<number> {
    if (instruments.length === 0) return 0;
    this.recent.clear();
    const rows = await this.db.sql.rows(
      `${INSERT_INSTRUMENTS}
       ON CONFLICT (symbol) DO UPDATE SET exchange = EXCLUDED.exchange, name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type,
         lot_size = EXCLUDED.lot_size, tick_size_ticks = EXCLUDED.tick_size_ticks, expiry = EXCLUDED.expiry,
         strike_ticks = EXCLUDED.strike_ticks, underlying = EXCLUDED.underlying, updated_at = now()
       WHERE NOT EXISTS (SELECT 1 FROM instrument_broker_keys k WHERE k.symbol = instruments.symbol)
       RETURNING symbol`,
      instrumentInsertParams(instruments),
    );
    return rows.length;
  }

  /**
   * The unexpired futures and options of `underlyings` on `today` (YYYY-MM-DD, IST) that the
   * simulated listing manages — every one no broker's master keys — with their active flag (what
   * the daily roll compares with today's listing).
   */
  async simulatedDerivatives(underlyings: readonly string[], today: string, sql: Sql = this.db.sql): Promise<ListedInstrument[]> {
    const rows = await sql.rows<InstrumentRow>(
      `SELECT ${INSTRUMENT_COLUMNS}, active FROM instruments i
       WHERE underlying = ANY($1::text[]) AND instrument_type IN ('FUT', 'CE', 'PE') AND expiry >= $2::date
         AND NOT EXISTS (SELECT 1 FROM instrument_broker_keys k WHERE k.symbol = i.symbol)
       ORDER BY symbol`,
      [underlyings, today],
    );
    return rows.map((r) => ({ ...instrumentFields(r), active: r.active === true }));
  }

  /**
   * Writes a roll of the simulated listing (planListingRoll) inside the caller's transaction:
   * today's listing inserted or updated and active (a contract delisted before is listed again),
   * the no longer listed ones deactivated — never deleted: orders and positions keep reading them.
   * Instruments a broker's master manages are left to it.
   */
  async applyListing(plan: Pick<ListingRollPlan, 'list' | 'delist'>, sql: Sql): Promise<void> {
    this.recent.clear();
    if (plan.list.length > 0)
      await sql.rows(
        `${INSERT_INSTRUMENTS}
         ON CONFLICT (symbol) DO UPDATE SET exchange = EXCLUDED.exchange, name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type,
           lot_size = EXCLUDED.lot_size, tick_size_ticks = EXCLUDED.tick_size_ticks, expiry = EXCLUDED.expiry,
           strike_ticks = EXCLUDED.strike_ticks, underlying = EXCLUDED.underlying, active = true, deactivated_at = NULL, updated_at = now()
         WHERE NOT EXISTS (SELECT 1 FROM instrument_broker_keys k WHERE k.symbol = instruments.symbol)`,
        instrumentInsertParams(plan.list),
      );
    if (plan.delist.length > 0)
      await sql.rows(
        `UPDATE instruments i SET active = false, deactivated_at = now(), updated_at = now()
         WHERE symbol = ANY($1::text[]) AND active AND NOT EXISTS (SELECT 1 FROM instrument_broker_keys k WHERE k.symbol = i.symbol)`,
        [plan.delist],
      );
  }

  /** Every active instrument not yet expired on `asOfDate` (YYYY-MM-DD, IST): what a feed quotes. */
  async active(asOfDate: string): Promise<Instrument[]> {
    const rows = await this.db.sql.rows<InstrumentRow>(
      `SELECT ${INSTRUMENT_COLUMNS}
       FROM instruments WHERE active AND (expiry IS NULL OR expiry >= $1::date) ORDER BY symbol`,
      [asOfDate],
    );
    return rows.map(toInstrument);
  }

  /** One instrument by symbol (domain form), or undefined. */
  async bySymbol(symbol: string, sql = this.db.sql): Promise<Instrument | undefined> {
    const r = await sql.maybeOne<InstrumentRow>(`SELECT ${INSTRUMENT_COLUMNS}, active FROM instruments WHERE symbol = $1`, [symbol]);
    return r ? toInstrument(r) : undefined;
  }

  /** Which of `symbols` exist and are active (one round trip). */
  async activeSymbols(symbols: readonly string[], sql: Sql = this.db.sql): Promise<Set<string>> {
    if (symbols.length === 0) return new Set();
    const rows = await sql.rows<{ symbol: string }>(`SELECT symbol FROM instruments WHERE symbol = ANY($1::text[]) AND active`, [symbols]);
    return new Set(rows.map((r) => r.symbol));
  }

  /** Which of `symbols` exist (one round trip). */
  async existing(symbols: readonly string[]): Promise<Set<string>> {
    if (symbols.length === 0) return new Set();
    const rows = await this.db.sql.rows<{ symbol: string }>(`SELECT symbol FROM instruments WHERE symbol = ANY($1::text[])`, [symbols]);
    return new Set(rows.map((r) => r.symbol));
  }

  /**
   * Symbol-prefix matches first (shortest symbol first, so RELIANCE precedes its derivatives),
   * then name matches; both case-insensitive and index-backed.
   */
  async search(q: InstrumentQuery): Promise<InstrumentDto[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // A bare `ORDER BY 0` would mean "column 0": without a query there is simply no rank term.
    let rank = '';
    if (q.query) {
      const text = q.query.toLowerCase();
      const prefix = p(`${likeEscape(q.query.toUpperCase())}%`);
      const words = p(`%${likeEscape(text)}%`);
      where.push(`(symbol LIKE ${prefix} OR lower(name) LIKE ${words})`);
      rank = `CASE WHEN symbol LIKE ${prefix} THEN 0 ELSE 1 END, `;
    }
    // Deactivated (expired, delisted) instruments are found by symbol only (old orders), not searched.
    where.push('active');
    if (q.exchange) where.push(`exchange = ${p(q.exchange)}`);
    if (q.instrumentType) where.push(`instrument_type = ${p(q.instrumentType)}`);
    const rows = await this.db.sql.rows<InstrumentRow>(
      `SELECT ${INSTRUMENT_COLUMNS}
       FROM instruments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${rank}length(symbol), symbol LIMIT ${p(q.limit)}`,
      params,
    );
    return rows.map(toDto);
  }
}
