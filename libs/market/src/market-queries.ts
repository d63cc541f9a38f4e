import { Inject, Injectable } from '@nestjs/common';
import {
  deriveCandles,
  expiryCloseAt,
  IST_OFFSET_MS,
  isDerivative,
  withDerivedHistory,
  type CandleColumns,
  type Instrument,
} from '@tradeloop/domain';
import type { CandleQuery, InstrumentDto, InstrumentQuery } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { CandlesRepository } from './candles.repository';
import { InstrumentsRepository } from './instruments.repository';

/** Instruments by symbol prefix, then by name (docs/api.md `GET /api/v1/instruments`). */
@Injectable()
export class SearchInstrumentsQuery {
  constructor(@Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository) {}

  execute(q: InstrumentQuery): Promise<InstrumentDto[]> {
    return this.instruments.search(q);
  }
}

/**
 * A symbol's candles of one timeframe, as columns (docs/api.md `GET /api/v1/candles`). On the
 * simulated market a future or option also has the history before its own first bar: its
 * underlying's bars priced by the model (deriveCandles), so its chart reaches as far back as the
 * index's however recently it was listed. Its own stored bars (the live feed's) are the record
 * from its first one on; on a broker's feed nothing is derived.
 */
@Injectable()
export class GetCandlesQuery {
  constructor(
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(q: CandleQuery): Promise<CandleColumns> {
    const stored = await this.candles.range(q);
    if (this.config.MARKET_FEED !== 'simulated' || (q.limit !== undefined && stored.length >= q.limit)) return stored;
    const instrument = await this.instruments.cachedBySymbol(q.symbol);
    if (!instrument || !isDerivative(instrument)) return stored;
    const first = await this.candles.firstBarAt(q.symbol, q.timeframe);
    // Derived bars end at the contract's first stored bar, and at its expiry.
    const end = Math.min(Date.parse(q.to), first ?? Number.POSITIVE_INFINITY, expiryCloseAt(instrument.expiry!));
    const underlying = instrument.underlying!;
    let bars: CandleColumns;
    if (q.from !== undefined) {
      const from = Date.parse(q.from);
      if (from >= end) return stored;
      bars = await this.candles.readRange(underlying, q.timeframe, from, end);
    } else {
      bars = await this.candles.range({
        symbol: underlying,
        timeframe: q.timeframe,
        to: new Date(end).toISOString(),
        limit: q.limit! - stored.length,
      });
    }
    if (bars.length === 0) return stored;
    const derived = deriveCandles(instrument, bars, q.timeframe, { futureRank: await this.futureRank(instrument) });
    return withDerivedHistory(stored, derived, first, q.limit);
  }

  /** A future's rank by expiry among its underlying's listed ones (0 = the near month); 0 for an option. */
  private async futureRank(instrument: Instrument): Promise<number> {
    if (instrument.instrumentType !== 'FUT') return 0;
    const today = new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10);
    const futures = (await this.instruments.derivativesOf(instrument.underlying!, today)).filter((i) => i.instrumentType === 'FUT');
    return Math.max(0, futures.filter((f) => f.expiry! < instrument.expiry!).length);
  }
}
