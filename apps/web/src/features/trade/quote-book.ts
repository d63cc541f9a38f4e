import type { Quote, TickEvent } from '@tradeloop/contracts';
import { priceTicks } from '../../lib/price';

/** What the watchlist and the chart legend show for one symbol. */
export interface LiveQuote {
  symbol: string;
  ltp: string;
  /** Best bid and ask (null where the source gives none). */
  bid: string | null;
  ask: string | null;
  change: string;
  /** From the REST quote; otherwise derived as ltp − change by the views. */
  prevClose: string | null;
  volume: number;
  ts: string;
  /** Which way the last LTP change went (null before the first change). */
  move: 'up' | 'down' | null;
  /** Increments on every LTP change: a key that restarts the flash animation. */
  moves: number;
}

type Update = Pick<Quote, 'symbol' | 'ltp' | 'change' | 'volume' | 'ts'> & { prevClose?: string; bid?: string; ask?: string };

/**
 * The latest quote per symbol, fed by REST quotes and `tick` events, read by rows through
 * `useSyncExternalStore`. An update older than what is held is ignored (a slow REST answer must
 * not undo a newer tick). Listeners are told once per animation frame, and only about the
 * symbols that changed, so a busy feed re-renders only the rows that moved, at most once a frame.
 */
export class QuoteBook {
  private readonly quotes = new Map<string, LiveQuote>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly dirty = new Set<string>();
  private frame: number | null = null;

  get = (symbol: string): LiveQuote | undefined => this.quotes.get(symbol);

  subscribe(symbol: string, listener: () => void): () => void {
    let set = this.listeners.get(symbol);
    if (!set) this.listeners.set(symbol, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(symbol);
    };
  }

  applyQuote(quote: Quote): void {
    this.apply(quote);
  }

  applyTick(tick: TickEvent): void {
    this.apply(tick);
  }

  private apply(update: Update): void {
    const current = this.quotes.get(update.symbol);
    if (current && Date.parse(update.ts) < Date.parse(current.ts)) return;
    const prevClose = update.prevClose ?? current?.prevClose ?? null;
    const bid = update.bid ?? current?.bid ?? null;
    const ask = update.ask ?? current?.ask ?? null;
    let move = current?.move ?? null;
    let moves = current?.moves ?? 0;
    if (current && current.ltp !== update.ltp) {
      const before = priceTicks(current.ltp) ?? 0;
      const after = priceTicks(update.ltp) ?? 0;
      move = after > before ? 'up' : after < before ? 'down' : move;
      moves += 1;
    }
    if (
      current &&
      current.ltp === update.ltp &&
      current.change === update.change &&
      current.volume === update.volume &&
      current.prevClose === prevClose &&
      current.bid === bid &&
      current.ask === ask
    ) {
      // Nothing visible changed; keep the newer time without waking anyone.
      this.quotes.set(update.symbol, { ...current, ts: update.ts });
      return;
    }
    this.quotes.set(update.symbol, {
      symbol: update.symbol,
      ltp: update.ltp,
      bid,
      ask,
      change: update.change,
      prevClose,
      volume: update.volume,
      ts: update.ts,
      move,
      moves,
    });
    this.markDirty(update.symbol);
  }

  private markDirty(symbol: string): void {
    if (!this.listeners.has(symbol)) return;
    this.dirty.add(symbol);
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = null;
    const symbols = [...this.dirty];
    this.dirty.clear();
    for (const symbol of symbols) this.listeners.get(symbol)?.forEach((l) => l());
  }

  dispose(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.dirty.clear();
  }
}
