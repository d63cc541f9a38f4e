import { Inject, Injectable } from '@nestjs/common';
import { runSnapshot, type Paise, type PriceTicks, type RunFill, type RunSnapshot } from '@tradeloop/domain';
import { QuotesStore } from '@tradeloop/market';
import { StrategyRunsRepository, type StrategyRunRow } from './runs.repository';

export const MINUTE_MS = 60_000;

/** A run's snapshot: its fills marked at the latest quotes (a symbol without a quote counts no unrealised P&L). */
export async function snapshotAtQuotes(
  quotes: QuotesStore,
  run: Pick<StrategyRunRow, 'capital_paise'>,
  fills: RunFill[],
): Promise<RunSnapshot> {
  const symbols = [...new Set(fills.map((f) => f.symbol))];
  const latest = symbols.length ? await quotes.get(symbols) : new Map();
  const marks = new Map(symbols.map((s) => [s, (latest.get(s)?.[2] as PriceTicks | undefined) ?? null]));
  return runSnapshot(fills, marks, BigInt(run.capital_paise) as Paise);
}

/**
 * One P&L snapshot per open paper or live run for the minute of `now` (docs/backtests.md
 * "Strategy runs"): the run's fills marked at the latest quotes (a symbol without a quote counts
 * no unrealised P&L). Idempotent per (run, minute): a second tick in the same minute, or a second
 * worker, writes nothing. The worker's loop calls it once a minute on one worker at a time.
 */
@Injectable()
export class TakeRunSnapshots {
  constructor(
    @Inject(StrategyRunsRepository) private readonly runs: StrategyRunsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  /** Returns how many snapshots were written. */
  async tick(now: number, isStopped: () => boolean = () => false): Promise<number> {
    const minute = new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS);
    let written = 0;
    for (const run of await this.runs.open()) {
      if (isStopped()) break;
      // A run opened after this minute began has no snapshot for it.
      if (run.started_at.getTime() > minute.getTime() + MINUTE_MS - 1) continue;
      const snap = await snapshotAtQuotes(this.quotes, run, await this.runs.fills(run));
      if (await this.runs.writeSnapshot(run.id, minute, snap)) written += 1;
    }
    return written;
  }
}
