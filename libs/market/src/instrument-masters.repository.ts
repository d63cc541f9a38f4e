import { Inject, Injectable } from '@nestjs/common';
import { Db, type Sql } from '@tradeloop/platform';
import { InstrumentsRepository } from './instruments.repository';
import { INSERT_INSTRUMENTS, INSTRUMENT_COLUMNS, instrumentFields, instrumentInsertParams, type InstrumentRow } from './instrument-rows';
import {
  planMasterImport,
  type BrokerKey,
  type MasterBroker,
  type MasterImportReport,
  type ParsedMaster,
  type StoredBrokerKey,
  type StoredInstrument,
} from './instrument-masters';

interface KeyRow {
  key: string;
  symbol: string;
  exchange_token: string | null;
  broker_symbol: string;
  broker_exchange: string;
}

const toStored = (r: InstrumentRow): StoredInstrument => ({ ...instrumentFields(r), active: r.active! });

const toKey = (r: KeyRow): StoredBrokerKey => ({
  key: r.key,
  symbol: r.symbol,
  ...(r.exchange_token !== null ? { exchangeToken: r.exchange_token } : {}),
  brokerSymbol: r.broker_symbol,
  brokerExchange: r.broker_exchange,
});

/** One import's hook inside its transaction (the audit event of the run), so both commit together. */
export type OnMasterApplied = (sql: Sql, report: MasterImportReport) => Promise<void>;

/**
 * Instrument masters in storage: applies one broker's parsed master in one transaction with
 * set-based SQL (unnest; a handful of statements whatever the file's size), and answers the
 * broker key of an instrument and the instrument of a broker key (docs/brokers.md, "Instrument masters").
 */
@Injectable()
export class InstrumentMastersRepository {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  /**
   * Diffs `parsed` against what is stored and writes the difference, all in one transaction
   * (imports of any broker are serialised by an advisory lock). Returns the report; a second run
   * of the same file reports everything unchanged.
   */
  async apply(parsed: ParsedMaster, asOf: string, onApplied?: OnMasterApplied): Promise<MasterImportReport> {
    const report = await this.db.tx(
      async (sql) => {
        const stored = await sql.rows<InstrumentRow>(`SELECT ${INSTRUMENT_COLUMNS}, active FROM instruments`);
        const keys = await sql.rows<KeyRow>(
          `SELECT key, symbol, exchange_token, broker_symbol, broker_exchange FROM instrument_broker_keys WHERE broker = $1`,
          [parsed.broker],
        );
        const elsewhere = await sql.rows<{ symbol: string }>(`SELECT DISTINCT symbol FROM instrument_broker_keys WHERE broker <> $1`, [
          parsed.broker,
        ]);
        const plan = planMasterImport({
          parsed,
          stored: stored.map(toStored),
          keys: keys.map(toKey),
          keyedElsewhere: new Set(elsewhere.map((r) => r.symbol)),
          asOf,
        });
        await this.write(sql, parsed.broker, plan);
        if (onApplied) await onApplied(sql, plan.report);
        return plan.report;
      },
      { lock: 'instrument-masters' },
    );
    this.instruments.forget();
    return report;
  }

  private async write(sql: Sql, broker: MasterBroker, plan: ReturnType<typeof planMasterImport>): Promise<void> {
    const { inserts, updates, deactivate, keyDeletes, keyUpserts } = plan;
    if (inserts.length) {
      await sql.rows(INSERT_INSTRUMENTS, instrumentInsertParams(inserts));
    }
    if (updates.length) {
      await sql.rows(
        `UPDATE instruments i SET name = u.name, lot_size = u.lot_size, tick_size_ticks = u.tick, active = true, deactivated_at = NULL, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS u(symbol, name, lot_size, tick)
         WHERE i.symbol = u.symbol`,
        [updates.map((u) => u.symbol), updates.map((u) => u.name), updates.map((u) => u.lotSize), updates.map((u) => u.tickSize)],
      );
    }
    if (deactivate.length) {
      await sql.rows(
        `UPDATE instruments SET active = false, deactivated_at = now(), updated_at = now() WHERE symbol = ANY($1::text[]) AND active`,
        [deactivate],
      );
    }
    if (keyDeletes.length) {
      await sql.rows(`DELETE FROM instrument_broker_keys WHERE broker = $1 AND key = ANY($2::text[])`, [broker, keyDeletes]);
    }
    if (keyUpserts.length) {
      await sql.rows(
        `INSERT INTO instrument_broker_keys (broker, key, symbol, exchange_token, broker_symbol, broker_exchange)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         ON CONFLICT (broker, key) DO UPDATE SET symbol = EXCLUDED.symbol, exchange_token = EXCLUDED.exchange_token,
           broker_symbol = EXCLUDED.broker_symbol, broker_exchange = EXCLUDED.broker_exchange, updated_at = now()`,
        [
          broker,
          keyUpserts.map((k) => k.key),
          keyUpserts.map((k) => k.symbol),
          keyUpserts.map((k) => k.exchangeToken ?? null),
          keyUpserts.map((k) => k.brokerSymbol),
          keyUpserts.map((k) => k.brokerExchange),
        ],
      );
    }
  }

  /** A broker's key for one of our instruments (what its order API, ticker or feed wants), if it lists it. */
  async brokerKeyOf(broker: MasterBroker, symbol: string): Promise<BrokerKey | undefined> {
    const r = await this.db.sql.maybeOne<KeyRow>(
      `SELECT key, symbol, exchange_token, broker_symbol, broker_exchange FROM instrument_broker_keys WHERE broker = $1 AND symbol = $2`,
      [broker, symbol],
    );
    if (!r) return undefined;
    const { symbol: _s, ...key } = toKey(r);
    return key;
  }

  /** Our instrument's symbol for a broker's key (a tick's instrument_token, an Upstox instrument_key). */
  async symbolOfBrokerKey(broker: MasterBroker, key: string): Promise<string | undefined> {
    const r = await this.db.sql.maybeOne<{ symbol: string }>(`SELECT symbol FROM instrument_broker_keys WHERE broker = $1 AND key = $2`, [
      broker,
      key,
    ]);
    return r?.symbol;
  }

  /** Every key of one broker → our symbol (a feed's lookup table, loaded once per session). */
  async brokerKeys(broker: MasterBroker): Promise<Map<string, string>> {
    const rows = await this.db.sql.rows<{ key: string; symbol: string }>(
      `SELECT key, symbol FROM instrument_broker_keys WHERE broker = $1`,
      [broker],
    );
    return new Map(rows.map((r) => [r.key, r.symbol]));
  }
}
