import { Inject, Injectable } from '@nestjs/common';
import type { CandleColumns } from '@tradeloop/domain';
import type { CandleQuery, InstrumentDto, InstrumentQuery } from '@tradeloop/contracts';
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

/** A symbol's candles of one timeframe, as columns (docs/api.md `GET /api/v1/candles`). */
@Injectable()
export class GetCandlesQuery {
  constructor(@Inject(CandlesRepository) private readonly candles: CandlesRepository) {}

  execute(q: CandleQuery): Promise<CandleColumns> {
    return this.candles.range(q);
  }
}
