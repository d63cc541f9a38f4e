import { decodeUpstoxFeedFrame, UpstoxFeedDecoder, upstoxFeedResponseType, upstoxPriceToTicks } from './upstox-market-feed';

const encode = (message: Record<string, unknown>): Uint8Array => {
  const type = upstoxFeedResponseType();
  return type.encode(type.fromObject(message)).finish();
};

const INFY = 'NSE_EQ|INE009A01021';
const NIFTY = 'NSE_INDEX|Nifty 50';

/** A live frame as the v3 feed sends it in `full` mode: one stock with five levels, one index. */
const FULL_FRAME = {
  type: 'live_feed',
  currentTs: 1765000000123,
  feeds: {
    [INFY]: {
      requestMode: 'full_d5',
      fullFeed: {
        marketFF: {
          ltpc: { ltp: 1571.55, ltt: 1765000000000, ltq: 7, cp: 1560.1 },
          marketLevel: {
            bidAskQuote: [
              { bidQ: 120, bidP: 1571.5, askQ: 80, askP: 1571.6 },
              { bidQ: 300, bidP: 1571.45, askQ: 0, askP: 0 },
            ],
          },
          marketOHLC: {
            ohlc: [
              { interval: '1d', open: 1562, high: 1575.25, low: 1558.4, close: 1571.55, vol: 1234567, ts: 1764979200000 },
              { interval: 'I1', open: 1571, high: 1571.6, low: 1570.9, close: 1571.55, vol: 1500, ts: 1764999960000 },
            ],
          },
          atp: 1568.33,
          vtt: 1234567,
          oi: 0,
          tbq: 55000,
          tsq: 61000,
        },
      },
    },
    [NIFTY]: {
      requestMode: 'full_d5',
      fullFeed: { indexFF: { ltpc: { ltp: 24350.05, ltt: 1765000000000, cp: 24300 } } },
    },
  },
};

describe('Upstox market feed v3 decoder', () => {
  it('decodes a full frame: prices to ticks, depth best first, day OHLC, volume, server time', () => {
    const r = decodeUpstoxFeedFrame(encode(FULL_FRAME));
    if (!r.ok) throw new Error(r.error);
    expect(r.message.type).toBe('live_feed');
    expect(r.message.currentTs).toBe(1765000000123);
    const infy = r.message.ticks.find((t) => t.instrumentKey === INFY)!;
    expect(infy).toEqual({
      instrumentKey: INFY,
      mode: 'full_d5',
      ltp: 15_715_500,
      lastTradeTime: 1765000000000,
      lastTradeQuantity: 7,
      closePrice: 15_601_000,
      bids: [
        { price: 15_715_000, quantity: 120 },
        { price: 15_714_500, quantity: 300 },
      ],
      asks: [{ price: 15_716_000, quantity: 80 }],
      volume: 1234567,
      averagePrice: 15_683_300,
      openInterest: 0, // proto3: 0 and unset are the same on the wire
      dayOhlc: { open: 15_620_000, high: 15_752_500, low: 15_584_000, close: 15_715_500 },
    });
    expect(r.message.ticks.find((t) => t.instrumentKey === NIFTY)).toMatchObject({ ltp: 243_500_500, closePrice: 243_000_000, bids: [] });
  });

  it('decodes ltpc and option-greeks frames, and market-info frames', () => {
    const ltpc = decodeUpstoxFeedFrame(
      encode({ type: 'initial_feed', feeds: { [INFY]: { ltpc: { ltp: 1500.05, ltt: 1, ltq: 2, cp: 1490 } } } }),
    );
    expect(ltpc.ok && ltpc.message.ticks[0]).toMatchObject({ instrumentKey: INFY, mode: 'ltpc', ltp: 15_000_500, bids: [] });
    const greeks = decodeUpstoxFeedFrame(
      encode({
        type: 'live_feed',
        feeds: {
          'NSE_FO|43919': {
            requestMode: 'option_greeks',
            firstLevelWithGreeks: {
              ltpc: { ltp: 101.25 },
              firstDepth: { bidQ: 75, bidP: 101.2, askQ: 150, askP: 101.3 },
              vtt: 900,
              oi: 12000,
            },
          },
        },
      }),
    );
    expect(greeks.ok && greeks.message.ticks[0]).toMatchObject({
      mode: 'option_greeks',
      ltp: 1_012_500,
      bids: [{ price: 1_012_000, quantity: 75 }],
      asks: [{ price: 1_013_000, quantity: 150 }],
      volume: 900,
      openInterest: 12000,
    });
    const info = decodeUpstoxFeedFrame(
      encode({ type: 'market_info', currentTs: 5, marketInfo: { segmentStatus: { NSE_EQ: 'NORMAL_OPEN', NSE_FO: 'PRE_OPEN_END' } } }),
    );
    expect(info.ok && info.message).toEqual({
      type: 'market_info',
      currentTs: 5,
      ticks: [],
      segmentStatus: { NSE_EQ: 'NORMAL_OPEN', NSE_FO: 'PRE_OPEN_END' },
    });
  });

  it('malformed frames are counted and skipped, never thrown; the good frames around them still decode', () => {
    const good = encode(FULL_FRAME);
    const problems: string[] = [];
    const decoder = new UpstoxFeedDecoder((e) => problems.push(e));
    const frames = [
      good,
      good.subarray(0, good.length - 3), // truncated inside a message
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // a length far past the end
      Uint8Array.from([0x0f]), // wire type 7 does not exist
      Uint8Array.from([0x08, 0x09]), // type = 9: not an enum value
      good,
    ];
    const out = frames.map((f) => decoder.decode(f));
    expect(out.map((m) => m !== null)).toEqual([true, false, false, false, false, true]);
    expect(decoder.stats).toEqual({ frames: 6, malformed: 4, ticks: 4 });
    expect(problems).toHaveLength(4);
  });

  it('prices: the nearest tick of the double, null for zero or negative', () => {
    expect(upstoxPriceToTicks(0.05)).toBe(500);
    expect(upstoxPriceToTicks(1571.55)).toBe(15_715_500);
    expect(upstoxPriceToTicks(1234.56789)).toBe(12_345_679);
    expect(upstoxPriceToTicks(0)).toBeNull();
    expect(upstoxPriceToTicks(-1)).toBeNull();
    expect(upstoxPriceToTicks(Number.NaN)).toBeNull();
    expect(upstoxPriceToTicks(1e12)).toBeNull();
  });

  it('prices: every 4-decimal price in sampled ranges lands on its exact tick (the same as decimal-string conversion)', () => {
    for (const base of [0, 1, 999, 24_350, 99_999, 1_000_000, 99_999_999]) {
      for (let t = 1; t < 20_000; t += 7) {
        const ticks = base * 10_000 + t;
        const whole = Math.floor(ticks / 10_000);
        const text = `${whole}.${String(ticks % 10_000).padStart(4, '0')}`;
        expect(upstoxPriceToTicks(Number(text))).toBe(ticks);
      }
    }
  });
});
