import type { Instrument } from '@tradeloop/domain';
import { upstoxInstrumentMap } from './upstox-live-adapter';

const instrument = (symbol: string, exchange: 'NSE' | 'NFO', lotSize = 1) => ({ symbol, exchange, lotSize }) as unknown as Instrument;

describe('upstoxInstrumentMap', () => {
  const map = upstoxInstrumentMap(
    [instrument('INFY', 'NSE'), instrument('NIFTY26DECFUT', 'NFO', 75), instrument('SBIN', 'NSE')],
    new Map([
      ['NSE_EQ|INE009A01021', 'INFY'],
      ['NSE_FO|52910', 'NIFTY26DECFUT'],
      ['NSE_EQ|INE999Z01999', 'NOT_IN_UNIVERSE'],
    ]),
  );

  it('maps our instruments to their instrument_key and segment, and back', () => {
    expect(map.toBroker({ exchange: 'NSE', symbol: 'INFY' })).toEqual({
      exchange: 'NSE_EQ',
      symbol: 'NSE_EQ|INE009A01021',
      quantityUnit: 'units',
      lotSize: 1,
    });
    expect(map.toBroker({ exchange: 'NFO', symbol: 'NIFTY26DECFUT' })).toMatchObject({ exchange: 'NSE_FO', lotSize: 75 });
    expect(map.fromBroker('NSE_FO', 'NSE_FO|52910')).toEqual({ exchange: 'NFO', symbol: 'NIFTY26DECFUT' });
    expect(map.size).toBe(2);
  });

  it('an instrument without a key in the master is refused before sending, never guessed from its symbol', () => {
    expect(() => map.toBroker({ exchange: 'NSE', symbol: 'SBIN' })).toThrow(
      expect.objectContaining({ kind: 'final', code: 'INSTRUMENT_NOT_MAPPED' }),
    );
  });
});
