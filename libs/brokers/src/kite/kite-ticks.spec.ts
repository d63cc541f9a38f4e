import {
  decodeKiteTickFrame,
  KiteTickView,
  kiteWirePriceToTicks,
  readKiteTickFrame,
  ticksToKiteWirePrice,
  type KiteTick,
  type KiteTicksResult,
} from './kite-ticks';

// Frames here are written out byte by byte from the layout in docs/brokers.md 5, or taken from
// Zerodha's own fixtures (kiteconnect-mocks ticker_*.packet: one packet each, base64, without the
// frame header), never produced by an encoder of ours.

// Room for a loaded machine (2 cores shared with other suites): the fuzz case does real work.
vi.setConfig({ testTimeout: 30_000 });

/** kiteconnect-mocks ticker_full.packet (NSE INFY, token 408065, 2021-07-05 10:41:27 IST). */
const MOCK_FULL_PACKET =
  'AAY6AQACZroAAAAHAAJlbQASMhcAA+m7AAWKAQACZPMAAmc8AAJhyQACZGxg4pR/AAAAAAAAAAAAAAAAYOKUfwAAAAUAAmacAAEAAAAAAIwAAmZ0AAIAAAAAAAIAAmZvAAEAAAAAANsAAmZqAAcAAAAAADIAAmZlAAEAAAAAAKwAAma6AAMAAAAAACwAAma/AAMAAAAAAS4AAmbJAAMAAAAAAI0AAmbOAAIAAAAAAtQAAmbTAAUAAA==';
/** kiteconnect-mocks ticker_quote.packet. */
const MOCK_QUOTE_PACKET = 'AAY6AQACZoMAAAABAAJlaQAR8bIAA+n/AAWANwACZPMAAmc8AAJhyQACZGw=';

const b64 = (s: string): number[] => [...Buffer.from(s, 'base64')];
const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
/** A frame by hand: count, then length + bytes of each packet. */
const frame = (...packets: number[][]): Buffer =>
  Buffer.from([...u16(packets.length), ...packets.flatMap((p) => [...u16(p.length), ...p])]);

function ticksOf(r: KiteTicksResult): KiteTick[] {
  if (!r.ok) throw new Error(`expected ticks, got ${r.error.code}: ${r.error.message}`);
  return r.ticks;
}

describe('Kite ticker frames: Zerodha fixture packets', () => {
  it('decodes the full-mode fixture to the values of ticker_full.json, in ticks', () => {
    const packet = b64(MOCK_FULL_PACKET);
    expect(packet).toHaveLength(184);
    const [tick, ...rest] = ticksOf(decodeKiteTickFrame(frame(packet)));
    expect(rest).toEqual([]);
    expect(tick).toEqual({
      mode: 'full',
      isIndex: false,
      instrumentToken: 408065,
      segment: 1,
      tradable: true,
      lastPrice: 15_737_000, // 1573.70
      quote: {
        lastQuantity: 7,
        averagePrice: 15_703_700, // 1570.37
        volume: 1_192_471,
        totalBuyQuantity: 256_443,
        totalSellQuantity: 363_009,
        open: 15_691_500,
        high: 15_750_000,
        low: 15_610_500,
        close: 15_678_000,
      },
      full: {
        lastTradeTime: Date.parse('2021-07-05T10:41:27+05:30'),
        oi: 0,
        oiDayHigh: 0,
        oiDayLow: 0,
        exchangeTimestamp: Date.parse('2021-07-05T10:41:27+05:30'),
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
    });
  });

  it('decodes the quote-mode fixture to the values of ticker_quote.json', () => {
    const packet = b64(MOCK_QUOTE_PACKET);
    expect(packet).toHaveLength(44);
    expect(ticksOf(decodeKiteTickFrame(frame(packet)))).toEqual([
      {
        mode: 'quote',
        isIndex: false,
        instrumentToken: 408065,
        segment: 1,
        tradable: true,
        lastPrice: 15_731_500,
        quote: {
          lastQuantity: 1,
          averagePrice: 15_703_300,
          volume: 1_175_986,
          totalBuyQuantity: 256_511,
          totalSellQuantity: 360_503,
          open: 15_691_500,
          high: 15_750_000,
          low: 15_610_500,
          close: 15_678_000,
        },
      },
    ]);
  });

  it('decodes several packets of different modes in one frame, in order', () => {
    const ltp = [0x00, 0x06, 0x3a, 0x01, 0x00, 0x02, 0x66, 0x83]; // 408065, 1573.15
    const ticks = ticksOf(decodeKiteTickFrame(frame(ltp, b64(MOCK_QUOTE_PACKET), b64(MOCK_FULL_PACKET), ltp)));
    expect(ticks.map((t) => t.mode)).toEqual(['ltp', 'quote', 'full', 'ltp']);
    expect(ticks.map((t) => t.lastPrice)).toEqual([15_731_500, 15_731_500, 15_737_000, 15_731_500]);
  });
});

describe('Kite ticker frames: packets written by hand', () => {
  it('an LTP frame, byte by byte', () => {
    const bytes = Buffer.from([
      0x00, 0x01, // one packet
      0x00, 0x08, // of 8 bytes
      0x00, 0x0b, 0xe5, 0x01, // token 779521 (SBIN, segment 1)
      0x00, 0x00, 0xb7, 0x98, // 47000 paise = 470.00 rupees
    ]); // prettier-ignore
    expect(decodeKiteTickFrame(bytes)).toEqual({
      ok: true,
      heartbeat: false,
      skipped: 0,
      ticks: [{ mode: 'ltp', isIndex: false, instrumentToken: 779521, segment: 1, tradable: true, lastPrice: 4_700_000 }],
    });
  });

  it('an index quote packet (28 bytes) reads high, low, open, close in that order and is not tradable', () => {
    // NIFTY 50: token 256265 = 0x0003E909, segment 9.
    const packet = [
      ...u32(256265),
      ...u32(2_435_005), // last 24350.05
      ...u32(2_440_000), // high
      ...u32(2_420_000), // low
      ...u32(2_425_000), // open
      ...u32(2_430_000), // close
      ...u32(500), // change (not decoded)
    ];
    const [tick] = ticksOf(decodeKiteTickFrame(frame(packet)));
    expect(tick).toEqual({
      mode: 'quote',
      isIndex: true,
      instrumentToken: 256265,
      segment: 9,
      tradable: false,
      lastPrice: 243_500_500,
      quote: {
        lastQuantity: 0,
        averagePrice: 0,
        volume: 0,
        totalBuyQuantity: 0,
        totalSellQuantity: 0,
        high: 244_000_000,
        low: 242_000_000,
        open: 242_500_000,
        close: 243_000_000,
      },
    });
  });

  it('an index full packet (32 bytes) adds the exchange time in seconds', () => {
    const packet = [...u32(256265), ...u32(100), ...u32(200), ...u32(50), ...u32(60), ...u32(70), ...u32(0), ...u32(1_700_000_000)];
    const [tick] = ticksOf(decodeKiteTickFrame(frame(packet)));
    expect(tick?.mode).toBe('full');
    expect(tick?.isIndex).toBe(true);
    expect(tick?.full).toEqual({
      lastTradeTime: null,
      oi: 0,
      oiDayHigh: 0,
      oiDayLow: 0,
      exchangeTimestamp: 1_700_000_000_000,
      bids: [],
      offers: [],
    });
  });

  it('CDS prices are in 1/10,000,000 rupee and BCD in 1/10,000', () => {
    const cdsToken = (1234 << 8) | 3;
    const bcdToken = (1234 << 8) | 6;
    const ticks = ticksOf(decodeKiteTickFrame(frame([...u32(cdsToken), ...u32(832_525_000)], [...u32(bcdToken), ...u32(832_525)])));
    expect(ticks.map((t) => [t.segment, t.lastPrice])).toEqual([
      [3, 832_525], // 83.2525
      [6, 832_525],
    ]);
  });

  it('a CDS price finer than a tick makes the frame an error, not a rounded price', () => {
    const r = decodeKiteTickFrame(frame([...u32((1 << 8) | 3), ...u32(832_525_001)]));
    expect(r).toMatchObject({ ok: false, error: { code: 'PRICE_NOT_IN_TICKS', offset: 8 } });
  });

  it('prices are signed (an MCX contract below zero) and quantities unsigned (volume above 2^31)', () => {
    const mcx = (5 << 8) | 7;
    const packet = [...u32(mcx), ...u32(-288_400 >>> 0), ...u32(1), ...u32(0), ...u32(3_000_000_000), ...u32(0), ...u32(0)];
    packet.push(...u32(0), ...u32(0), ...u32(0), ...u32(0));
    expect(packet).toHaveLength(44);
    const [tick] = ticksOf(decodeKiteTickFrame(frame(packet)));
    expect(tick?.lastPrice).toBe(-28_840_000);
    expect(tick?.quote?.volume).toBe(3_000_000_000);
  });

  it('a full packet whose times are 0 gives null times', () => {
    const packet = b64(MOCK_FULL_PACKET);
    packet.splice(44, 4, 0, 0, 0, 0);
    packet.splice(60, 4, 0, 0, 0, 0);
    const [tick] = ticksOf(decodeKiteTickFrame(frame(packet)));
    expect(tick?.full?.lastTradeTime).toBeNull();
    expect(tick?.full?.exchangeTimestamp).toBeNull();
  });
});

describe('Kite ticker frames: heartbeats, empty and unknown packets', () => {
  it('a 1-byte frame is a heartbeat', () => {
    expect(decodeKiteTickFrame(Buffer.from([0x00]))).toEqual({ ok: true, heartbeat: true, ticks: [], skipped: 0 });
  });

  it('an empty frame is an error; a frame of zero packets is fine', () => {
    expect(decodeKiteTickFrame(Buffer.alloc(0))).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
    expect(decodeKiteTickFrame(Buffer.from([0, 0]))).toEqual({ ok: true, heartbeat: false, ticks: [], skipped: 0 });
  });

  it('something that is not bytes is an error, not an exception', () => {
    expect(decodeKiteTickFrame('hello' as unknown as Buffer)).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
    expect(decodeKiteTickFrame(null as unknown as Buffer)).toMatchObject({ ok: false, error: { code: 'EMPTY' } });
  });

  it('packets of an undocumented length are skipped and counted, the others still decoded', () => {
    const r = decodeKiteTickFrame(frame([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [...u32(779521), ...u32(47000)], []));
    expect(r).toMatchObject({ ok: true, skipped: 2 });
    expect(ticksOf(r).map((t) => t.lastPrice)).toEqual([4_700_000]);
  });

  it('reads an ArrayBuffer, and a Buffer that is a slice of a larger pool at an odd offset', () => {
    const bytes = frame([...u32(779521), ...u32(47000)]);
    const ab = new ArrayBuffer(bytes.length);
    new Uint8Array(ab).set(bytes);
    expect(ticksOf(decodeKiteTickFrame(ab))[0]?.lastPrice).toBe(4_700_000);
    const pool = Buffer.alloc(bytes.length + 7, 0xff);
    bytes.copy(pool, 3);
    expect(ticksOf(decodeKiteTickFrame(pool.subarray(3, 3 + bytes.length)))[0]?.lastPrice).toBe(4_700_000);
  });
});

describe('Kite ticker frames: truncated and garbage input', () => {
  const whole = frame([...u32(779521), ...u32(47000)], b64(MOCK_QUOTE_PACKET), b64(MOCK_FULL_PACKET));

  it('every proper prefix of a valid frame (but the 1-byte heartbeat) is an error, and nothing is delivered', () => {
    for (let n = 2; n < whole.length; n += 1) {
      let delivered = 0;
      const r = readKiteTickFrame(whole.subarray(0, n), () => (delivered += 1));
      expect(r.ok, `prefix ${n}`).toBe(false);
      if (!r.ok) expect(r.error.code, `prefix ${n}`).toBe('TRUNCATED');
      expect(delivered, `prefix ${n}`).toBe(0);
    }
    expect(readKiteTickFrame(whole, () => undefined)).toEqual({ ok: true, heartbeat: false, ticks: 3, skipped: 0 });
  });

  it('bytes after the last packet make the frame an error', () => {
    const r = decodeKiteTickFrame(Buffer.concat([whole, Buffer.from([0x00])]));
    expect(r).toMatchObject({ ok: false, error: { code: 'TRAILING_BYTES', offset: whole.length } });
  });

  it('a count or a length larger than the frame is an error', () => {
    expect(decodeKiteTickFrame(Buffer.from([0xff, 0xff, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]))).toMatchObject({
      ok: false,
      error: { code: 'TRUNCATED', offset: 12 },
    });
    expect(decodeKiteTickFrame(Buffer.from([0x00, 0x01, 0xff, 0xff, 1, 2, 3]))).toMatchObject({
      ok: false,
      error: { code: 'TRUNCATED', offset: 2 },
    });
  });

  it('never throws and never reads past the frame on 20,000 seeded random frames', () => {
    let seed = 0x2545f491;
    const rand = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < 20_000; i += 1) {
      let bytes: Buffer;
      if (i % 2 === 0) {
        // pure noise
        bytes = Buffer.alloc(Math.floor(rand() * 300));
        for (let j = 0; j < bytes.length; j += 1) bytes[j] = Math.floor(rand() * 256);
      } else {
        // a valid frame with a few bytes flipped, cut or extended
        bytes = Buffer.from(whole);
        for (let k = 0; k < 3; k += 1) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        bytes = bytes.subarray(0, Math.floor(rand() * (bytes.length + 1)));
      }
      // A DataView read past the end throws a RangeError: not throwing is not reading past it.
      const r = decodeKiteTickFrame(bytes);
      outcomes[r.ok ? 'ok' : 'error'] += 1;
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.error).toBeGreaterThan(0);
  });
});

describe('Kite ticker frames: the reusable view', () => {
  it('hands out one view per frame read, refilled per packet, with depth in typed arrays', () => {
    const view = new KiteTickView();
    const seen: [KiteTickView, string, number, number][] = [];
    const r = readKiteTickFrame(
      frame([...u32(779521), ...u32(47000)], b64(MOCK_FULL_PACKET)),
      (t) => seen.push([t, t.mode, t.lastPrice, t.depthPrice[5]!]),
      view,
    );
    expect(r).toEqual({ ok: true, heartbeat: false, ticks: 2, skipped: 0 });
    expect(seen.map(([t, ...rest]) => [t === view, ...rest])).toEqual([
      [true, 'ltp', 4_700_000, 0],
      [true, 'full', 15_737_000, 15_737_000],
    ]);
    expect([...view.depthQuantity]).toEqual([5, 140, 2, 219, 50, 172, 44, 302, 141, 724]);
    expect([...view.depthOrders]).toEqual([1, 2, 1, 7, 1, 3, 3, 3, 2, 5]);
  });

  it('an exception from the callback is the caller’s and propagates', () => {
    expect(() =>
      readKiteTickFrame(frame([...u32(779521), ...u32(47000)]), () => {
        throw new Error('consumer failed');
      }),
    ).toThrow('consumer failed');
  });
});

describe('Kite wire prices ↔ ticks', () => {
  it('converts per segment exactly and refuses what int32 or the segment cannot carry', () => {
    expect(kiteWirePriceToTicks(1, 47000)).toBe(4_700_000);
    expect(kiteWirePriceToTicks(3, 832_525_000)).toBe(832_525);
    expect(kiteWirePriceToTicks(6, 832_525)).toBe(832_525);
    expect(ticksToKiteWirePrice(1, 4_700_000)).toBe(47000);
    expect(ticksToKiteWirePrice(1, 4_700_050)).toBeNull(); // half a paisa
    expect(ticksToKiteWirePrice(3, 832_525)).toBe(832_525_000);
    expect(ticksToKiteWirePrice(3, 3_000_000)).toBeNull(); // 300 rupees × 1e7 overflows int32
    expect(ticksToKiteWirePrice(6, 832_525)).toBe(832_525);
    expect(ticksToKiteWirePrice(7, -28_840_000)).toBe(-288_400);
    expect(ticksToKiteWirePrice(1, 1.5)).toBeNull();
  });
});
