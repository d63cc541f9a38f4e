import { Inject, Injectable } from '@nestjs/common';
import { DEMO_INDICES, demoUniverse, planListingRoll, todayIst, type IndexLevels, type ListingRollPlan } from '@tradeloop/domain';
import { InstrumentsRepository } from '@tradeloop/market';
import { Db } from '@tradeloop/platform';
import { TradingRepository } from './trading.repository';

/** What one roll did (ListingRollPlan) and for which day. */
export interface ListingRollResult extends ListingRollPlan {
  /** The IST day rolled for (YYYY-MM-DD). */
  day: string;
}

/**
 * The daily roll of the simulated market's listing (docs/architecture.md "Market data"): the
 * futures and options of today's demo universe — the expiries not yet past, strikes centred on
 * each index's current level — are listed for every demo index that is listed itself (the seed
 * lists the indices and equities; a database without them is left alone), and the ones it no
 * longer lists are deactivated unless someone has an open order or position in one
 * (planListingRoll). One transaction, serialised with the instrument master imports (they write
 * the same table). Run by the worker that owns the simulated feed, at its start and at each new
 * IST day; it lives in trading because whether a contract is in use is trading's to say.
 */
@Injectable()
export class RollSimulatedListingUseCase {
  constructor(
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(Db) private readonly db: Db,
  ) {}

  /** Rolls the listing for the IST day of `now` (epoch ms) around `levels` (an index's absent level: its start level). */
  async execute(input: { now: number; levels: IndexLevels }): Promise<ListingRollResult> {
    const day = todayIst(new Date(input.now));
    const plan = await this.db.tx(
      async (sql) => {
        const indices = await this.instruments.activeSymbols(
          DEMO_INDICES.map((i) => i.symbol),
          sql,
        );
        const listing = demoUniverse(new Date(`${day}T00:00:00Z`), input.levels).filter(
          (i) => i.underlying !== undefined && indices.has(i.underlying),
        );
        const stored = await this.instruments.simulatedDerivatives([...indices], day, sql);
        const listed = new Set(listing.map((i) => i.symbol));
        const inUse = await this.trading.symbolsInUse(
          stored.filter((s) => s.active && !listed.has(s.symbol)).map((s) => s.symbol),
          sql,
        );
        const p = planListingRoll({ listing, stored, inUse, today: day });
        await this.instruments.applyListing(p, sql);
        return p;
      },
      { lock: 'instrument-masters' },
    );
    this.instruments.forget();
    return { ...plan, day };
  }
}
