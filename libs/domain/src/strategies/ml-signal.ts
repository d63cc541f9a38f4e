import type { Candle } from '../market/candle';
import { intentToward, type OrderIntent, type SignalInput, type Strategy } from './strategy';

export interface MlSignalParams {
  /** Units held long after a BUY signal. */
  quantity: number;
  /** After a SELL signal: short `quantity` (true) or just go flat (false). */
  allowShort: boolean;
}

/**
 * Follows its model's production signals: BUY → `quantity` long, SELL → flat (or short), HOLD →
 * nothing. At most one intent per symbol and bar: a repeated signal for a bar already acted on
 * is ignored.
 */
export class MlSignalStrategy implements Strategy {
  readonly kind = 'ml-signal';
  private readonly lastTs = new Map<string, number>();

  constructor(readonly params: MlSignalParams) {
    if (!Number.isInteger(params.quantity) || params.quantity < 1) throw new RangeError('ml-signal needs a positive integer quantity');
  }

  warm(_symbol: string, _bars: readonly Candle[]): void {}

  onBar(_symbol: string, _bar: Candle, _position: number): OrderIntent | null {
    return null;
  }

  onSignal(s: SignalInput, position: number): OrderIntent | null {
    if ((this.lastTs.get(s.symbol) ?? Number.NEGATIVE_INFINITY) >= s.ts) return null;
    this.lastTs.set(s.symbol, s.ts);
    if (s.signal === 'HOLD') return null;
    const target = s.signal === 'BUY' ? this.params.quantity : this.params.allowShort ? -this.params.quantity : 0;
    // Already there: no intent, and no reason or id to build (a backtest sees one signal per bar).
    if (target === position) return null;
    return intentToward(s.symbol, position, target, `model signal ${s.signal} (score ${s.score.toFixed(4)})`, s.id);
  }
}
