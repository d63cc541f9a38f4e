import { Inject, Injectable } from '@nestjs/common';
import type { OptionChainQuery, OptionChainView, OptionSide } from '@tradeloop/contracts';
import {
  buildOptionChain,
  chainExpiries,
  DomainError,
  formatPrice,
  IST_OFFSET_MS,
  simulatedOpenInterest,
  type ChainQuote,
  type ChainSide,
} from '@tradeloop/domain';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { InstrumentsRepository } from './instruments.repository';
import type { WireTick } from './market-wire';
import { QuotesStore } from './quotes-store';

const chainQuoteOf = (t: WireTick): ChainQuote => ({ ltp: t[2], bid: t[3], ask: t[4], volume: t[5], prevClose: t[6] });

const sideView = (s: ChainSide | null): OptionSide | null =>
  s && {
    symbol: s.symbol,
    lotSize: s.lotSize,
    ltp: s.quote ? formatPrice(s.quote.ltp) : null,
    change: s.quote ? formatPrice(s.quote.ltp - s.quote.prevClose) : null,
    bid: s.quote ? formatPrice(s.quote.bid) : null,
    ask: s.quote ? formatPrice(s.quote.ask) : null,
    volume: s.quote ? s.quote.volume : null,
    oi: s.oi,
    iv: s.iv === null ? null : (Math.round(s.iv * 1000) / 10).toFixed(1),
  };

/**
 * An underlying's option chain for one expiry (docs/api.md `GET /api/v1/market/option-chain`):
 * strikes around the money with each side's latest quote, implied volatility and open interest.
 * Open interest comes from the simulated market's model; a broker feed's is not carried yet (null).
 */
@Injectable()
export class GetOptionChainQuery {
  constructor(
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
    @Inject(QuotesStore) private readonly quotes: QuotesStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(q: OptionChainQuery, now = Date.now()): Promise<OptionChainView> {
    const underlying = q.underlying.toUpperCase();
    const today = new Date(now + IST_OFFSET_MS).toISOString().slice(0, 10);
    const [instrument, derivatives] = await Promise.all([
      this.instruments.cachedBySymbol(underlying),
      this.instruments.derivativesOf(underlying, today),
    ]);
    if (!instrument) throw new DomainError('NOT_FOUND', `Unknown symbol: ${underlying}`);
    const expiries = chainExpiries(derivatives, today);
    if (expiries.length === 0) throw new DomainError('NOT_FOUND', `${underlying} has no listed options`);
    const expiry = q.expiry ?? expiries[0]!;
    if (!expiries.includes(expiry)) {
      throw new DomainError('VALIDATION_FAILED', `${underlying} has no options expiring ${expiry}; listed: ${expiries.join(', ')}`, {
        fieldErrors: [{ field: 'expiry', message: `not a listed expiry of ${underlying}` }],
      });
    }
    const options = derivatives.filter((d) => d.expiry === expiry && (d.instrumentType === 'CE' || d.instrumentType === 'PE'));
    const latest = await this.quotes.get([underlying, ...options.map((o) => o.symbol)]);
    const spotTick = latest.get(underlying);
    const simulated = this.config.MARKET_FEED === 'simulated';
    const chain = buildOptionChain({
      options,
      expiry,
      spot: spotTick ? spotTick[2] : null,
      strikesEachSide: q.strikes,
      quoteOf: (symbol) => {
        const t = latest.get(symbol);
        return t && chainQuoteOf(t);
      },
      openInterestOf: (o) => (simulated && spotTick ? simulatedOpenInterest(o, spotTick[6]) : null),
      now,
    });
    return {
      underlying,
      spot: spotTick ? formatPrice(spotTick[2]) : null,
      expiry,
      expiries,
      atmStrike: chain.atmStrike === null ? null : formatPrice(chain.atmStrike),
      rows: chain.rows.map((r) => ({ strike: formatPrice(r.strike), call: sideView(r.call), put: sideView(r.put) })),
    };
  }
}
