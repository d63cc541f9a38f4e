import { countUpstoxFeedEntries, upstoxSubscription } from './upstox-feed.source';
import { decodeUpstoxFeedFrame, upstoxFeedResponseType } from './upstox-market-feed';

const frame = (keys: number, currentTs = 1_765_000_000_123): Uint8Array => {
  const type = upstoxFeedResponseType();
  const feeds: Record<string, unknown> = {};
  for (let i = 0; i < keys; i += 1)
    feeds[`NSE_EQ|K${i}`] = {
      fullFeed: { marketFF: { ltpc: { ltp: 100.5 + i, ltt: currentTs, ltq: 3, cp: 99 }, vtt: 1_000 + i } },
      requestMode: 'full_d5',
    };
  return type.encode(type.fromObject({ type: 'live_feed', feeds, currentTs })).finish();
};

describe('countUpstoxFeedEntries', () => {
  it('counts the feeds of a frame from its top-level tags, as many as the decoder finds', () => {
    for (const n of [0, 1, 3, 50]) {
      const f = frame(n);
      expect(countUpstoxFeedEntries(f)).toBe(n);
      const decoded = decodeUpstoxFeedFrame(f);
      expect(decoded.ok && decoded.message.ticks.length).toBe(n);
    }
    const type = upstoxFeedResponseType();
    const info = type.encode(type.fromObject({ type: 'market_info', marketInfo: { segmentStatus: { NSE_EQ: 'NORMAL_OPEN' } } })).finish();
    expect(countUpstoxFeedEntries(info)).toBe(0);
  });

  it('a frame whose top level does not parse is -1 (left to the decoder to reject)', () => {
    const f = frame(3, 0);
    expect(countUpstoxFeedEntries(f.subarray(0, f.length - 7))).toBe(-1);
    expect(countUpstoxFeedEntries(Uint8Array.from([0x12, 0x05, 0x01]))).toBe(-1); // a length past the end
    expect(countUpstoxFeedEntries(Uint8Array.from([0x0b]))).toBe(-1); // wire type 3 (groups): not in this message
  });
});

describe('upstoxSubscription', () => {
  it('is JSON in bytes: a fresh guid, the method, the mode and the keys', () => {
    const a = JSON.parse(upstoxSubscription('sub', 'full', ['NSE_EQ|A', 'NSE_INDEX|Nifty 50']).toString('utf8'));
    const b = JSON.parse(upstoxSubscription('sub', 'full', ['NSE_EQ|A']).toString('utf8'));
    expect(a).toMatchObject({ method: 'sub', data: { mode: 'full', instrumentKeys: ['NSE_EQ|A', 'NSE_INDEX|Nifty 50'] } });
    expect(typeof a.guid).toBe('string');
    expect(a.guid).not.toBe(b.guid);
  });
});
