import { InstrumentMap } from '@tradeloop/brokers';
import { FAKE_UPSTOX_INSTRUMENTS, type FakeUpstoxInstrument } from './upstox-fake';

/** Our instruments ↔ the fake's `instrument_key`s, as an adapter under test maps them (NSE cash and NFO). */
export function fakeUpstoxInstrumentMap(rows: readonly FakeUpstoxInstrument[] = FAKE_UPSTOX_INSTRUMENTS): InstrumentMap {
  return new InstrumentMap(
    'upstox',
    rows.map((i) => {
      const segment = i.instrumentKey.split('|', 1)[0]!;
      return {
        ref: { exchange: segment === 'NSE_FO' ? ('NFO' as const) : ('NSE' as const), symbol: i.tradingSymbol },
        broker: { exchange: segment, symbol: i.instrumentKey, quantityUnit: 'units' as const, lotSize: i.lotSize },
      };
    }),
  );
}
