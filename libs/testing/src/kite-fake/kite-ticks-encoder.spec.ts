import { decodeKiteTickFrame, type KiteTick } from '@tradeloop/brokers';
import {
  encodeTickFrame,
  encodeWirePrice,
  HEARTBEAT_FRAME,
  packetLength,
  type FakeTickData,
  type FakeTickMode,
} from './kite-ticks-encoder';

// The fake's encoder against Zerodha's own fixture bytes (kiteconnect-mocks ticker_full.packet),
// and against the production decoder on many seeded ticks of every mode and segment.

// Room for a loaded machine (2 cores shared with other suites); every wait below has its own guard.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const MOCK_FULL_PACKET =
  'AAY6AQACZroAAAAHAAJlbQASMhcAA+m7AAWKAQACZPMAAmc8AAJhyQACZGxg4pR/AAAAAAAAAAAAAAAAYOKUfwAAAAUAAmacAAEAAAAAAIwAAmZ0AAIAAAAAAAIAAmZvAAEAAAAAANsAAmZqAAcAAAAAADIAAmZlAAEAAAAAAKwAAma6AAMAAAAAACwAAma/AAMAAAAAAS4AAmbJAAMAAAAAAI0AAmbOAAIAAAAAAtQAAmbTAAUAAA==';

describe('the fake Kite tick encoder', () => {
  it('writes the bytes of Zerodha’s full-mode fixture from the values of ticker_full.json', () => {
    const t = Date.parse('2021-07-05T10:41:27+05:30');
    const frame = encodeTickFrame([
      {
        mode: 'full',
        tick: {
          instrumentToken: 408065,
          lastPrice: 15_737_000,
          lastQuantity: 7,
          averagePrice: 15_703_700,
          volume: 1_192_471,
          totalBuyQuantity: 256_443,
          totalSellQuantity: 363_009,
          open: 15_691_500,
          high: 15_750_000,
          low: 15_610_500,
          close: 15_678_000,
          lastTradeTime: t,
          oi: 0,
          oiDayHigh: 0,
          oiDayLow: 0,
          exchangeTimestamp: t,
          bids: [
            { price: 15_734_000, quantity: 5, orders: 1 },
            { price: 15_730_000, quantity: 140, orders: 2 },
            { price: 15_729_500, quantity: 2, orders: 1 },
            { price: 15_729_000, quantity: 219, orders: 7 },
            { price: 15_728_500, quantity: 50, orders: 1 },
          ],
          offers: [
            { price: 15_737_000, quantity: 172, orders: 3 },
            { price: 15_737_500, quantity: 44, orders: 3 },
            { price: 15_738_500, quantity: 302, orders: 3 },
            { price: 15_739_000, quantity: 141, orders: 2 },
            { price: 15_739_500, quantity: 724, orders: 5 },
          ],
        },
      },
    ]);
    expect([...frame.subarray(0, 4)]).toEqual([0, 1, 0, 184]);
    expect(frame.subarray(4).toString('base64')).toBe(MOCK_FULL_PACKET);
  });

  it('packet lengths per mode, and the heartbeat is one byte', () => {
    expect([packetLength(408065, 'ltp'), packetLength(408065, 'quote'), packetLength(408065, 'full')]).toEqual([8, 44, 184]);
    expect([packetLength(256265, 'ltp'), packetLength(256265, 'quote'), packetLength(256265, 'full')]).toEqual([8, 28, 32]);
    expect(HEARTBEAT_FRAME).toHaveLength(1);
  });

  it('refuses prices the wire cannot carry exactly', () => {
    expect(() => encodeWirePrice(408065, 4_700_050)).toThrow(RangeError); // half a paisa
    expect(() => encodeWirePrice((1 << 8) | 3, 3_000_000)).toThrow(RangeError); // CDS ₹300 × 1e7 > int32
    expect(encodeWirePrice((1 << 8) | 3, 832_525)).toBe(832_525_000);
    expect(encodeWirePrice((1 << 8) | 6, 832_525)).toBe(832_525);
  });

  it('round-trips 1,000 seeded ticks of every mode and segment through the production decoder', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const segments = [1, 2, 3, 4, 5, 6, 7, 9];
    const modes: FakeTickMode[] = ['ltp', 'quote', 'full'];
    const packets: { tick: FakeTickData; mode: FakeTickMode }[] = [];
    for (let k = 0; k < 1000; k += 1) {
      const segment = segments[rand(segments.length)]!;
      const token = (1 + rand(500_000)) * 256 + segment;
      // Whole paise everywhere (multiples of 100 ticks); CDS prices are < ₹214 to fit the int32 at 1e-7.
      const price = (): number => (segment === 3 ? 1 + rand(2_000_000) : segment === 6 ? rand(2_000_000_000) : rand(20_000_000) * 100);
      const level = (): { price: number; quantity: number; orders: number } => ({
        price: price(),
        quantity: rand(1_000_000),
        orders: rand(65536),
      });
      packets.push({
        mode: modes[rand(3)]!,
        tick: {
          instrumentToken: token,
          lastPrice: price(),
          lastQuantity: rand(10_000),
          averagePrice: price(),
          volume: rand(4_000_000_000),
          totalBuyQuantity: rand(1_000_000),
          totalSellQuantity: rand(1_000_000),
          open: price(),
          high: price(),
          low: price(),
          close: price(),
          lastTradeTime: rand(2) === 0 ? null : 1_700_000_000_000 + rand(1_000_000) * 1000,
          oi: rand(1_000_000),
          oiDayHigh: rand(1_000_000),
          oiDayLow: rand(1_000_000),
          exchangeTimestamp: 1_700_000_000_000 + rand(1_000_000) * 1000,
          bids: [level(), level(), level(), level(), level()],
          offers: [level(), level(), level(), level(), level()],
        },
      });
    }
    const r = decodeKiteTickFrame(encodeTickFrame(packets));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.ticks).toHaveLength(1000);
    r.ticks.forEach((got: KiteTick, k) => {
      const { tick, mode } = packets[k]!;
      const index = (tick.instrumentToken & 0xff) === 9;
      expect(got.mode, `tick ${k}`).toBe(mode);
      expect(got.instrumentToken).toBe(tick.instrumentToken);
      expect(got.lastPrice).toBe(tick.lastPrice);
      if (mode === 'ltp') return;
      expect([got.quote?.open, got.quote?.high, got.quote?.low, got.quote?.close]).toEqual([tick.open, tick.high, tick.low, tick.close]);
      if (!index) expect([got.quote?.volume, got.quote?.averagePrice]).toEqual([tick.volume, tick.averagePrice]);
      if (mode !== 'full') return;
      expect(got.full?.exchangeTimestamp).toBe(tick.exchangeTimestamp);
      if (index) return;
      expect(got.full?.lastTradeTime).toBe(tick.lastTradeTime);
      expect(got.full?.oi).toBe(tick.oi);
      expect(got.full?.bids).toEqual(tick.bids);
      expect(got.full?.offers).toEqual(tick.offers);
    });
  });
});
