import type { Instrument } from '@tradeloop/domain';

// The `instruments` table's row shape, its SELECT list and its bulk insert, shared by
// InstrumentsRepository and InstrumentMastersRepository.

export interface InstrumentRow {
  symbol: string;
  exchange: Instrument['exchange'];
  name: string;
  instrument_type: Instrument['instrumentType'];
  lot_size: number;
  tick_size_ticks: string;
  expiry: string | null;
  strike_ticks: string | null;
  underlying: string | null;
  active?: boolean;
}

/** The columns an `InstrumentRow` reads (without `active`). */
export const INSTRUMENT_COLUMNS = `symbol, exchange, name, instrument_type, lot_size, tick_size_ticks::text, to_char(expiry, 'YYYY-MM-DD') AS expiry,
              strike_ticks::text, underlying`;

/** A row as a domain instrument (integer ticks), without its `active` flag. */
export const instrumentFields = (r: InstrumentRow): Omit<Instrument, 'active'> => ({
  symbol: r.symbol,
  exchange: r.exchange,
  name: r.name,
  instrumentType: r.instrument_type,
  lotSize: r.lot_size,
  tickSize: Number(r.tick_size_ticks),
  ...(r.expiry ? { expiry: r.expiry } : {}),
  ...(r.strike_ticks ? { strike: Number(r.strike_ticks) } : {}),
  ...(r.underlying ? { underlying: r.underlying } : {}),
});

/** The bulk insert of instruments (one unnest; its parameters from `instrumentInsertParams`); a caller may append an ON CONFLICT / RETURNING. */
export const INSERT_INSTRUMENTS = `INSERT INTO instruments (symbol, exchange, name, instrument_type, lot_size, tick_size_ticks, expiry, strike_ticks, underlying)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::date[], $8::bigint[], $9::text[])`;

export const instrumentInsertParams = (instruments: readonly Omit<Instrument, 'active'>[]): unknown[][] => {
  const col = <K extends keyof Omit<Instrument, 'active'>>(k: K) => instruments.map((i) => i[k] ?? null);
  return [
    col('symbol'),
    col('exchange'),
    col('name'),
    col('instrumentType'),
    col('lotSize'),
    col('tickSize'),
    col('expiry'),
    col('strike'),
    col('underlying'),
  ];
};
