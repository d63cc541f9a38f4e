import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceCache, type CachedSource } from './source-cache';

const entry = (name: string) => ({ source: { id: 's', name }, secret: `secret-${name}` }) as unknown as CachedSource;

describe('SourceCache', () => {
  afterEach(() => vi.useRealTimers());

  it('loads once for concurrent readers, then serves from memory', async () => {
    const cache = new SourceCache();
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async () => {
      loads++;
      await gate;
      return entry('a');
    };
    const readers = Array.from({ length: 100 }, () => cache.get('s', load));
    release();
    const got = await Promise.all(readers);
    expect(loads).toBe(1);
    expect(got.every((g) => g?.secret === 'secret-a')).toBe(true);
    expect((await cache.get('s', load))?.secret).toBe('secret-a');
    expect(loads).toBe(1);
  });

  it('drops an entry on invalidate and after its TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = new SourceCache();
    let version = 0;
    const load = async () => entry(`v${++version}`);
    expect((await cache.get('s', load))?.secret).toBe('secret-v1');
    cache.invalidate('s');
    expect((await cache.get('s', load))?.secret).toBe('secret-v2');
    vi.setSystemTime(Date.now() + 4_999);
    expect((await cache.get('s', load))?.secret).toBe('secret-v2');
    vi.setSystemTime(Date.now() + 2);
    expect((await cache.get('s', load))?.secret).toBe('secret-v3');
  });

  it('does not keep what was loaded across an invalidation (it may be stale), nor a missing source', async () => {
    const cache = new SourceCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let loads = 0;
    const slow = cache.get('s', async () => {
      loads++;
      await gate;
      return entry('old');
    });
    cache.invalidate('s');
    release();
    expect((await slow)?.secret).toBe('secret-old');
    expect((await cache.get('s', async () => (loads++, entry('new'))))?.secret).toBe('secret-new');
    expect(loads).toBe(2);
    expect(await cache.get('gone', async () => undefined)).toBeUndefined();
    expect((await cache.get('gone', async () => entry('later')))?.secret).toBe('secret-later');
  });

  it('a failed load is not cached', async () => {
    const cache = new SourceCache();
    await expect(cache.get('s', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await cache.get('s', async () => entry('ok')))?.secret).toBe('secret-ok');
  });
});
