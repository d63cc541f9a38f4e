import { Inject, Injectable } from '@nestjs/common';
import { buildMarketContext, DomainError, tradeValue, valueToPaise, type MarketContext, type Timeframe } from '@tradeloop/domain';
import { CandlesRepository, InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { SignalsRepository } from '@tradeloop/ml';
import { TradingRepository } from '@tradeloop/trading';

/** Closed candles read for a context: the 50 kept plus enough history to warm MACD 26/9 and the 20-period bands. */
const CANDLES_READ = 120;

/**
 * Builds the one `MarketContext` both engines decide on (docs/alerts.md "Engines"): our candles of
 * the source timeframe (5m), the quote's LTP, the user's open positions and gross exposure, and the
 * production model's score for the symbol at its last closed bar (the signal engine's stored
 * signal; none fresh: null, and the ml agent is neutral).
 */
@Injectable()
export class MarketContextLoader {
  constructor(
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(CandlesRepository) private readonly candles: CandlesRepository,
    @Inject(TradingRepository) private readonly trading: TradingRepository,
    @Inject(SignalsRepository) private readonly signals: SignalsRepository,
  ) {}

  async load(userId: string, symbol: string, now: number, timeframe: Timeframe = '5m'): Promise<MarketContext> {
    const instrument = await this.instruments.cachedBySymbol(symbol);
    if (!instrument) throw new DomainError('NOT_FOUND', `Unknown symbol ${symbol}`);
    const [quotes, cols, positions, score] = await Promise.all([
      this.quotes.get([symbol]),
      this.candles.range({ symbol, timeframe, to: new Date(now).toISOString(), limit: CANDLES_READ }),
      this.trading.positions(userId as never),
      this.signals.latestProductionScore(symbol, now),
    ]);
    const candles = [];
    for (let i = 0; i < cols.length; i += 1)
      candles.push({
        ts: cols.ts[i]!,
        open: cols.open[i]!,
        high: cols.high[i]!,
        low: cols.low[i]!,
        close: cols.close[i]!,
        volume: cols.volume[i]!,
      });
    const quote = quotes.get(symbol);
    const ltp = quote?.[2] ?? candles[candles.length - 1]?.close;
    if (ltp === undefined) throw new DomainError('INVALID_STATE', `No price for ${symbol} yet`);
    const open = positions.filter((p) => p.netQuantity !== 0);
    const prices = open.length > 0 ? await this.quotes.get([...new Set(open.map((p) => p.symbol))]) : new Map();
    let exposure = 0n;
    for (const p of open) {
      const px = p.symbol === symbol ? ltp : prices.get(p.symbol)?.[2];
      if (px !== undefined) exposure += valueToPaise(tradeValue(Math.abs(p.netQuantity), px));
    }
    return buildMarketContext({
      instrument,
      now,
      ltp,
      timeframe,
      candles,
      model: score && { score: score.score, thresholds: score.thresholds },
      positions: { openCount: new Set(open.map((p) => p.symbol)).size, exposure, symbolOpen: open.some((p) => p.symbol === symbol) },
    });
  }
}
