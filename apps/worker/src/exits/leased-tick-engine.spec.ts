import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebouncedIds } from './leased-tick-engine';

describe('DebouncedIds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over every id noted within the window once, together, then starts a new window', () => {
    const flushed: string[][] = [];
    const d = new DebouncedIds(20, (ids) => flushed.push(ids));
    d.add(['a', 'b']);
    vi.advanceTimersByTime(10);
    d.add(['b', 'c']);
    expect(flushed).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(flushed).toEqual([['a', 'b', 'c']]);
    d.add(['d']);
    vi.advanceTimersByTime(19);
    expect(flushed).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('an empty note starts no window; cancel drops what waits', () => {
    const flush = vi.fn();
    const d = new DebouncedIds(20, flush);
    d.add([]);
    vi.advanceTimersByTime(50);
    expect(flush).not.toHaveBeenCalled();
    d.add(['a']);
    d.cancel();
    vi.advanceTimersByTime(50);
    expect(flush).not.toHaveBeenCalled();
    d.add(['b']);
    vi.advanceTimersByTime(20);
    expect(flush).toHaveBeenCalledWith(['b']);
  });
});
