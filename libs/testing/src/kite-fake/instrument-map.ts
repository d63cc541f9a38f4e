import { InstrumentMap, type InstrumentMapping } from '@tradeloop/brokers';
import { EXCHANGES, type Exchange } from '@tradeloop/domain';
import { FAKE_KITE_INSTRUMENTS, type FakeKiteInstrument } from './instruments';

/** Our instruments ↔ the fake's table, as an adapter under test maps them: the tradable NSE and NFO rows, with their tokens. */
export function fakeKiteInstrumentMap(rows: readonly FakeKiteInstrument[] = FAKE_KITE_INSTRUMENTS): InstrumentMap {
  return new InstrumentMap(
    'kite',
    rows
      .filter((i) => i.tradable && (EXCHANGES as readonly string[]).includes(i.exchange))
      .map(
        (i): InstrumentMapping => ({
          ref: { exchange: i.exchange as Exchange, symbol: i.tradingsymbol },
          broker: {
            exchange: i.exchange,
            symbol: i.tradingsymbol,
            token: String(i.instrumentToken),
            quantityUnit: 'units',
            lotSize: i.lotSize,
          },
        }),
      ),
  );
}
