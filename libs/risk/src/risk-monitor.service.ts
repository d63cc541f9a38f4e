import { Inject, Injectable } from '@nestjs/common';
import { bucketStart, dayPnlAtMarks, decideTripOnce, peakOf, type Paise, type UserId } from '@tradeloop/domain';
import type { PositionDto } from '@tradeloop/contracts';
import { QuotesStore } from '@tradeloop/market';
import { toPositionDto } from '@tradeloop/trading';
import { RiskMonitorRepository } from './risk-monitor.repository';

export interface ScreenedUser {
  userId: UserId;
  /** Open positions marked to the latest quotes, as GET /positions shows them. */
  positions: PositionDto[];
  dayPnl: Paise;
  /** The bulk read says a limit (daily loss or drawdown) is breached: worth the locked re-check. */
  breach: boolean;
}

/**
 * One round of the risk monitor's view: every user with an open position or a fill today, their
 * day's P&L at the latest quotes (one Redis round trip for all symbols) and whether it looks
 * like a trip. It only screens: AutomaticTripUseCase decides again under the user's lock.
 */
@Injectable()
export class RiskMonitorService {
  constructor(
    @Inject(RiskMonitorRepository) private readonly repo: RiskMonitorRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async screen(now = Date.now()): Promise<ScreenedUser[]> {
    const dayStart = bucketStart(now, '1d');
    const users = await this.repo.watched(dayStart);
    const symbols = [...new Set(users.flatMap((u) => u.positions.map((p) => p.symbol)))];
    // Without quotes (Redis away) open positions count zero unrealized, as in the order intake.
    const marks = await this.quotes.get(symbols).catch(() => new Map<string, never>());
    const markOf = (symbol: string) => marks.get(symbol)?.[2];
    const raised: { userId: UserId; peak: Paise }[] = [];
    const screened = users.map((u) => {
      const dayPnl = dayPnlAtMarks(u.realizedToday, u.positions, markOf);
      // The day's best P&L as of this round: the drawdown rule measures from it.
      const peakDayPnl = peakOf(u.peakDayPnl, dayPnl);
      if (peakDayPnl > u.peakDayPnl) raised.push({ userId: u.userId, peak: peakDayPnl });
      const decision = decideTripOnce({
        dayPnl,
        peakDayPnl,
        limits: u.limits,
        userSwitch: { engaged: u.switchEngaged },
        tripsToday: u.tripsToday,
      });
      return {
        userId: u.userId,
        dayPnl,
        breach: decision.trip,
        positions: u.positions.map((p) => toPositionDto(p, markOf(p.symbol) ?? null)),
      };
    });
    await this.repo.raisePeaks(dayStart, raised);
    return screened;
  }
}
