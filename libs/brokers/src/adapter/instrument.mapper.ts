import { BrokerError } from './broker.errors';
import { instrumentKey, type InstrumentRef } from './identifiers';

/**
 * How one broker names one of our instruments. Rebuilt daily from the broker's master
 * (docs/brokers.md 1.7, 2.7, 3.7); never derived by formatting strings, since weekly option codes
 * differ between brokers and have changed without notice (4.1).
 */
export interface BrokerInstrument {
  /** The broker's exchange or segment name: `NFO` (Kite, OpenAlgo), `NSE_FO` (Upstox keys). */
  readonly exchange: string;
  /** What orders carry: Kite/OpenAlgo trading symbol; for Upstox the `instrument_key`. */
  readonly symbol: string;
  /** Streaming / history token where the broker has a separate one (Kite `instrument_token`). */
  readonly token?: string | null;
  /**
   * Whether order quantities are counted in units or lots at this broker (docs/brokers.md 4.3: Kite
   * and Upstox count MCX in lots). Ours are always units.
   */
  readonly quantityUnit: 'units' | 'lots';
  /** Units per lot, for the conversion. */
  readonly lotSize: number;
}

/** The per-broker instrument mapping hook every adapter takes. */
export interface InstrumentMapper {
  /** The broker's name for our instrument; throws a final BrokerError (`INSTRUMENT_NOT_MAPPED`) when it has none. */
  toBroker(ref: InstrumentRef): BrokerInstrument;
  /** Our instrument for what the broker reports (exchange + symbol, or a token); null when unknown. */
  fromBroker(exchange: string, symbolOrToken: string): InstrumentRef | null;
}

/** Our unit quantity in the broker's unit; throws a final error when it is not a whole number of lots. */
export function toBrokerQuantity(units: number, instrument: BrokerInstrument, broker: string): number {
  if (instrument.quantityUnit === 'units') return units;
  if (units % instrument.lotSize !== 0) {
    throw new BrokerError('final', `${units} units is not a whole number of ${instrument.lotSize}-unit lots`, {
      broker,
      code: 'QUANTITY_NOT_IN_LOTS',
    });
  }
  return units / instrument.lotSize;
}

/** The broker's quantity in our units. */
export const fromBrokerQuantity = (quantity: number, instrument: BrokerInstrument): number =>
  instrument.quantityUnit === 'units' ? quantity : quantity * instrument.lotSize;

/** One row of a mapping table: our instrument and the broker's name for it. */
export interface InstrumentMapping {
  readonly ref: InstrumentRef;
  readonly broker: BrokerInstrument;
}

/** A table-backed mapper built from a broker master (one per broker, replaced whole each day). */
export class InstrumentMap implements InstrumentMapper {
  private readonly ours = new Map<string, BrokerInstrument>();
  private readonly theirs = new Map<string, InstrumentRef>();

  constructor(
    private readonly broker: string,
    rows: Iterable<InstrumentMapping>,
  ) {
    for (const row of rows) {
      const ref = Object.freeze({ exchange: row.ref.exchange, symbol: row.ref.symbol });
      this.ours.set(instrumentKey(ref), Object.freeze({ ...row.broker }));
      this.theirs.set(`${row.broker.exchange}|${row.broker.symbol}`, ref);
      if (row.broker.token) this.theirs.set(`${row.broker.exchange}|#${row.broker.token}`, ref);
    }
  }

  get size(): number {
    return this.ours.size;
  }

  toBroker(ref: InstrumentRef): BrokerInstrument {
    const found = this.ours.get(instrumentKey(ref));
    if (!found)
      throw new BrokerError('final', `${this.broker} has no instrument for ${instrumentKey(ref)}`, {
        broker: this.broker,
        code: 'INSTRUMENT_NOT_MAPPED',
      });
    return found;
  }

  fromBroker(exchange: string, symbolOrToken: string): InstrumentRef | null {
    return this.theirs.get(`${exchange}|${symbolOrToken}`) ?? this.theirs.get(`${exchange}|#${symbolOrToken}`) ?? null;
  }
}

/**
 * The mapper for a broker that uses our names as they are (the mock; Kite cash equities, whose
 * trading symbols our universe already uses).
 */
export const IDENTITY_INSTRUMENTS: InstrumentMapper = Object.freeze({
  toBroker: (ref: InstrumentRef): BrokerInstrument => ({ exchange: ref.exchange, symbol: ref.symbol, quantityUnit: 'units', lotSize: 1 }),
  fromBroker: (exchange: string, symbol: string): InstrumentRef | null =>
    exchange === 'NSE' || exchange === 'NFO' ? { exchange, symbol } : null,
});
