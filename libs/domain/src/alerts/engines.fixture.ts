// Hand-built contexts for the engine, agent and exit tests (excluded from the build).
import type { Candle } from '../market/candle';
import type { Instrument } from '../market/instruments';
import type { EngineAlert } from './engine-a';
import { sessionTimeAt, type CandleIndicators, type MarketContext } from './market-context';

/** Epoch ms of an IST wall time: ist('2026-12-07', '09:15'). 2026-12-07 is a Monday. */
export const ist = (date: string, hhmm: string): number => Date.parse(`${date}T${hhmm}:00+05:30`);
export const MONDAY = '2026-12-07';
export const SATURDAY = '2026-12-12';

export const EQUITY: Instrument = {
  symbol: 'RELIANCE',
  exchange: 'NSE',
  name: 'Reliance',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: 500,
};
export const NIFTY_CE: Instrument = {
  symbol: 'NIFTY26D0826000CE',
  exchange: 'NFO',
  name: 'NIFTY 26000 CE',
  instrumentType: 'CE',
  lotSize: 65,
  tickSize: 500,
  expiry: '2026-12-08',
  strike: 260_000_000,
  underlying: 'NIFTY',
};
export const NIFTY_PE: Instrument = { ...NIFTY_CE, symbol: 'NIFTY26D0826000PE', name: 'NIFTY 26000 PE', instrumentType: 'PE' };

/** Indicators with every value undefined (NaN) except those given. */
export function ind(values: Partial<CandleIndicators> = {}): CandleIndicators {
  return {
    rsi: NaN,
    macd: NaN,
    macdSignal: NaN,
    macdHistogram: NaN,
    emaFast: NaN,
    emaSlow: NaN,
    atr: NaN,
    bbMiddle: NaN,
    bbUpper: NaN,
    bbLower: NaN,
    bbBandwidth: NaN,
    kcMiddle: NaN,
    kcUpper: NaN,
    kcLower: NaN,
    ...values,
  };
}

export const candle = (ts: number, open: number, high: number, low: number, close: number, volume = 100): Candle => ({
  ts,
  open,
  high,
  low,
  close,
  volume,
});

/** A context at Monday 11:00 IST (MIDDAY), LTP ₹2,500, no candles, no model, an empty book. */
export function ctx(over: Partial<MarketContext> = {}): MarketContext {
  const now = over.now ?? ist(MONDAY, '11:00');
  return {
    instrument: EQUITY,
    now,
    ltp: 25_000_000,
    timeframe: '5m',
    candles: [],
    indicators: [],
    higherTimeframe: '15m',
    higherCandles: [],
    openingRange: null,
    session: sessionTimeAt(now),
    model: null,
    positions: { openCount: 0, exposure: 0n, symbolOpen: false },
    ...over,
  };
}

export const buy = (quantity = 10, symbol = 'RELIANCE'): EngineAlert => ({ symbol, action: 'BUY', quantity });
export const sell = (quantity = 10, symbol = 'RELIANCE'): EngineAlert => ({ symbol, action: 'SELL', quantity });
