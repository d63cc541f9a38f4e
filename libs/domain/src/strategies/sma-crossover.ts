import type { Candle } from '../market/candle';
import { RollingStats } from '../features/streaming';
import { intentToward, type OrderIntent, type SignalInput, type Strategy } from './strategy';

export interface SmaCrossoverParams {
  /** Bars in the fast and slow simple moving averages of the close (fast < slow). */
  fast: number;
  slow: number;
  /** Units held long after an upward cross. */
  quantity: number;
  /** After a downward cross: short `quantity` (true) or just go flat (false). */
  allowShort: boolean;
}

interface SymbolState {
  fast: RollingStats;
  slow: RollingStats;
  /** Sign of fast − slow at the last full bar (0 until both windows are full). */
  side: -1 | 0 | 1;
  lastTs: number;
}

/**
 * Classic SMA crossover, O(1) per bar: when the fast average crosses above the slow one the
 * target is `quantity` long; when it crosses below, flat (or short). It acts on crosses only —
 * a restart that warms from history does not re-enter a position it already decided.
 */
export class SmaCrossover implements Strategy {
  readonly kind = 'sma-crossover';
  private readonly states = new Map<string, SymbolState>();
  /** The last symbol looked up and its state: a replay of one symbol skips the map. */
  private lastSymbol: string | null = null;
  private lastState: SymbolState | null = null;

  constructor(readonly params: SmaCrossoverParams) {
    if (!Number.isInteger(params.fast) || !Number.isInteger(params.slow) || params.fast < 1 || params.slow <= params.fast)
      throw new RangeError('sma-crossover needs integers 1 ≤ fast < slow');
    if (!Number.isInteger(params.quantity) || params.quantity < 1) throw new RangeError('sma-crossover needs a positive integer quantity');
  }

  private state(symbol: string): SymbolState {
    if (symbol === this.lastSymbol) return this.lastState!;
    let s = this.states.get(symbol);
    if (!s)
      this.states.set(
        symbol,
        (s = {
          fast: new RollingStats(this.params.fast),
          slow: new RollingStats(this.params.slow),
          side: 0,
          lastTs: Number.NEGATIVE_INFINITY,
        }),
      );
    this.lastSymbol = symbol;
    this.lastState = s;
    return s;
  }

  /** Updates the averages; returns the cross this bar made (+1 up, −1 down) or 0. */
  private step(symbol: string, bar: Candle): -1 | 0 | 1 {
    const s = this.state(symbol);
    if (bar.ts <= s.lastTs) return 0;
    s.lastTs = bar.ts;
    s.fast.update(bar.close);
    s.slow.update(bar.close);
    if (!s.slow.full) return 0;
    const diff = s.fast.mean - s.slow.mean;
    const side: -1 | 0 | 1 = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    const before = s.side;
    if (side !== 0) s.side = side;
    return before !== 0 && side !== 0 && side !== before ? side : 0;
  }

  warm(symbol: string, bars: readonly Candle[]): void {
    for (const bar of bars) this.step(symbol, bar);
  }

  onBar(symbol: string, bar: Candle, position: number): OrderIntent | null {
    const cross = this.step(symbol, bar);
    if (cross === 0) return null;
    const target = cross > 0 ? this.params.quantity : this.params.allowShort ? -this.params.quantity : 0;
    return intentToward(
      symbol,
      position,
      target,
      `SMA ${this.params.fast} crossed ${cross > 0 ? 'above' : 'below'} SMA ${this.params.slow}`,
    );
  }

  onSignal(_signal: SignalInput, _position: number): OrderIntent | null {
    return null;
  }
}
