import { Inject, Injectable } from '@nestjs/common';
import type { HoldingDto, PnlHistoryDto, PnlHistoryQuery, PortfolioDto } from '@tradeloop/contracts';
import {
  dayPnlAtMarks,
  formatMoney,
  formatPrice,
  IST_OFFSET_MS,
  istDayStart,
  openCost,
  pnlHistory,
  positionAveragePrice,
  tradeValue,
  unrealizedPnl,
  valueToPaise,
  type PriceTicks,
  type UserId,
} from '@tradeloop/domain';
import { CandlesRepository, InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { Db } from '@tradeloop/platform';
import { TradingRepository } from './trading.repository';

const DAY_MS = 86_400_000;
/** 15:30 IST, the close, after an IST day's start. */
const CLOSE_AFTER_DAY_START_MS = (15 * 60 + 30) * 60_000;
const istDate = (ts: number) => new Date(ts + IST_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The user's portfolio (docs/api.md `GET /api/v1/portfolio`): today's P&L by the daily-loss rule's
 * own definition (dayPnlAtMarks: realized today + open positions' unrealized at the latest quotes)
 * and the delivered equity holdings (CNC, long), each marked to its quote.
 */
@Injectable()
export class GetPortfolioQuery {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  async execute(userId: UserId, now = Date.now()): Promise<PortfolioDto> {
    const [positions, realizedToday] = await Promise.all([
      this.trading.positions(userId),
      this.trading.realizedToday(this.db.sql, userId, istDayStart(now)),
    ]);
    const open = positions.filter((p) => p.netQuantity !== 0);
    const symbols = [...new Set(open.map((p) => p.symbol))];
    const [marks, equities] = await Promise.all([
      this.quotes.get(symbols).catch(() => new Map<string, never>()),
      Promise.all(symbols.map((s) => this.instruments.cachedBySymbol(s))).then(
        (list) => new Set(list.filter((i) => i?.instrumentType === 'EQ').map((i) => i!.symbol)),
      ),
    ]);
    const markOf = (symbol: string): PriceTicks | undefined => marks.get(symbol)?.[2];
    const dayPnl = dayPnlAtMarks(realizedToday, open, markOf);
    const unrealized = valueToPaise(
      open.reduce((sum, p) => (markOf(p.symbol) === undefined ? sum : sum + unrealizedPnl(p, markOf(p.symbol)!)), 0n),
    );
    const holdings: HoldingDto[] = [];
    const total = { invested: 0n, currentValue: 0n, pnl: 0n, dayChange: 0n };
    for (const p of open) {
      if (p.product !== 'CNC' || p.netQuantity <= 0 || !equities.has(p.symbol)) continue;
      const tick = marks.get(p.symbol);
      const invested = valueToPaise(openCost(p));
      const current = tick ? valueToPaise(tradeValue(p.netQuantity, tick[2])) : null;
      const pnl = tick ? valueToPaise(unrealizedPnl(p, tick[2])) : null;
      const dayChange = tick ? valueToPaise(tradeValue(p.netQuantity, tick[2]) - tradeValue(p.netQuantity, tick[6])) : null;
      total.invested += invested;
      if (current !== null) total.currentValue += current;
      if (pnl !== null) total.pnl += pnl;
      if (dayChange !== null) total.dayChange += dayChange;
      holdings.push({
        accountId: p.accountId,
        symbol: p.symbol,
        quantity: p.netQuantity,
        averagePrice: formatPrice(positionAveragePrice(p)!),
        ltp: tick ? formatPrice(tick[2]) : null,
        prevClose: tick ? formatPrice(tick[6]) : null,
        invested: formatMoney(invested),
        currentValue: current === null ? null : formatMoney(current),
        pnl: pnl === null ? null : formatMoney(pnl),
        dayChange: dayChange === null ? null : formatMoney(dayChange),
      });
    }
    return {
      asOf: new Date(now).toISOString(),
      dayPnl: formatMoney(dayPnl),
      realizedToday: formatMoney(valueToPaise(realizedToday)),
      unrealized: formatMoney(unrealized),
      openPositions: open.length,
      holdings,
      holdingsTotal: {
        invested: formatMoney(total.invested),
        currentValue: formatMoney(total.currentValue),
        pnl: formatMoney(total.pnl),
        dayChange: formatMoney(total.dayChange),
      },
    };
  }
}

/**
 * The user's P&L to each trading day's close over the last `days` calendar days (docs/api.md
 * `GET /api/v1/portfolio/pnl-history`): every fill replayed by the positions' own rules
 * (pnlHistory), open quantity marked at the day's daily close; today's point takes every fill so
 * far and is marked at the latest quotes. Weekends are left out. Reads all of the user's fills: fine for a person's book;
 * a high-volume account would want a daily snapshot instead.
 */
@Injectable()
export class GetPnlHistoryQuery {
  constructor(
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
  ) {}

  async execute(userId: UserId, q: PnlHistoryQuery, now = Date.now()): Promise<PnlHistoryDto> {
    const today = istDayStart(now);
    const days: { day: string; end: number }[] = [];
    for (let start = today - (q.days - 1) * DAY_MS; start <= today; start += DAY_MS) {
      const weekday = new Date(start + IST_OFFSET_MS).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      // Past days end at their close; today ends now (the simulated market trades after 15:30 too).
      days.push({ day: istDate(start), end: start === today ? now + 1 : start + CLOSE_AFTER_DAY_START_MS });
    }
    const fills = await this.trading.historyFills(userId);
    const symbols = [...new Set(fills.map((f) => f.symbol))];
    const closes = new Map<string, Map<string, PriceTicks>>();
    const from = days.length > 0 ? istDayStart(Date.parse(`${days[0]!.day}T00:00:00Z`) - IST_OFFSET_MS) : today;
    await Promise.all(
      symbols.map(async (symbol) => {
        const bars = await this.candles.readRange(symbol, '1d', from, today + DAY_MS);
        const byDay = new Map<string, PriceTicks>();
        for (let i = 0; i < bars.length; i += 1) byDay.set(istDate(bars.ts[i]!), bars.close[i]!);
        closes.set(symbol, byDay);
      }),
    );
    // Today is marked at the latest quotes (its daily bar is still forming).
    const latest = await this.quotes.get(symbols).catch(() => new Map<string, never>());
    const todayLabel = istDate(today);
    const closeOf = (symbol: string, day: string): PriceTicks | undefined =>
      day === todayLabel ? (latest.get(symbol)?.[2] ?? closes.get(symbol)?.get(day)) : closes.get(symbol)?.get(day);
    return {
      points: pnlHistory(fills, days, closeOf).map((p) => ({
        day: p.day,
        realized: formatMoney(p.realized),
        unrealized: formatMoney(p.unrealized),
        charges: formatMoney(p.charges),
        net: formatMoney(p.net),
      })),
    };
  }
}
